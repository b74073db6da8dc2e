"""Free-tier rate limits for fake_upstream.py: a per-caller fixed window and the header dialects of real providers.

Each caller (its Authorization header, or one shared account with --shared-limit) may make --rate-limit N
calls per W-second window; the first window starts at its first call. Beyond N the fake answers 429 the way the chosen vendor does:
  groq        x-ratelimit-{limit,remaining,reset}-{requests,tokens} on every answer, the reset as a Go
              duration ("2.5s", "1m2.3s", "450ms"); `retry-after` in whole seconds on the 429 only.
  openrouter  nothing on a 200; on the 429 X-RateLimit-{Limit,Remaining,Reset} with the reset in epoch
              milliseconds, the same three inside the body's error.metadata.headers, no Retry-After.
  cerebras    x-ratelimit-{limit,remaining,reset}-requests-minute on every answer (the reset in fractional
              seconds) plus the -day and -tokens-minute families; a flat 429 body, no Retry-After.
(The windows are seconds long, not a minute, so a benchmark sees several of them.)

It also counts what a well-behaved router must avoid: calls that arrive after the fake told the caller it
was out of calls (a 429, or a 200 saying remaining 0 in a dialect that sends headers on 200s) and before
the reset it announced. Those calls are counted from the moment that answer was written, so calls
already in flight when it was sent do not count.
"""
import hashlib
import math
import threading
import time


def go_duration(seconds):
    """Groq's reset format, rounded up so it never announces a reset earlier than the real one."""
    if seconds < 1:
        return f"{max(1, math.ceil(seconds * 1000))}ms"
    hundredths = math.ceil(seconds * 100)
    minutes, rest = divmod(hundredths, 6000)
    hours, minutes = divmod(minutes, 60)
    text = f"{rest / 100:.2f}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{hours}h{minutes}m{text}"
    return f"{minutes}m{text}" if minutes else text


class Verdict:
    def __init__(self, caller, allowed, remaining, window_end):
        self.caller = caller
        self.allowed = allowed
        self.remaining = remaining
        self.window_end = window_end  # time.monotonic() when the caller's window starts over

    def reset_seconds(self):
        return max(0.0, self.window_end - time.monotonic())


class CallerWindow:
    def __init__(self, now):
        self.start = now
        self.used = 0
        self.refused = 0
        self.told_until = 0.0
        self.told_by = None
        self.answered_total = 0
        self.refused_total = 0


def fingerprint(caller):
    """Names a caller in /_stats without its key: the first 12 hex digits of the header's SHA-256."""
    return hashlib.sha256(caller.encode()).hexdigest()[:12]


class RateLimitedUpstream:
    DIALECTS = ("groq", "openrouter", "cerebras")

    def __init__(self, limit, window_seconds, dialect, model_name="upstream-model"):
        if dialect not in self.DIALECTS:
            raise ValueError(f"--dialect must be one of {', '.join(self.DIALECTS)}")
        self.limit = limit
        self.window = window_seconds
        self.dialect = dialect
        self.model_name = model_name
        self.lock = threading.Lock()
        self.callers = {}
        self.answered = 0
        self.rate_limited = 0
        self.max_refused_in_a_window = 0
        self.calls_after_429 = 0
        self.calls_after_exhausted = 0

    # MARK: admission

    def check(self, caller):
        """Admits or refuses one call at its arrival."""
        now = time.monotonic()
        with self.lock:
            window = self.callers.setdefault(caller, CallerWindow(now))
            if now >= window.start + self.window:
                window.start += math.floor((now - window.start) / self.window) * self.window
                window.used = 0
                window.refused = 0
            if now < window.told_until:
                if window.told_by == "429":
                    self.calls_after_429 += 1
                else:
                    self.calls_after_exhausted += 1
            window_end = window.start + self.window
            if window.used < self.limit:
                window.used += 1
                return Verdict(caller, True, self.limit - window.used, window_end)
            window.refused += 1
            window.refused_total += 1
            self.rate_limited += 1
            self.max_refused_in_a_window = max(self.max_refused_in_a_window, window.refused)
            return Verdict(caller, False, 0, window_end)

    def sent(self, verdict):
        """Call once the answer is written: from now on the caller has been told (or not) it is out of calls."""
        with self.lock:
            if verdict.allowed:
                self.answered += 1
                self.callers[verdict.caller].answered_total += 1
            told = not verdict.allowed or (verdict.remaining == 0 and self.dialect != "openrouter")
            if told:
                window = self.callers[verdict.caller]
                window.told_until = verdict.window_end
                window.told_by = "remaining=0" if verdict.allowed else "429"

    def stats(self):
        with self.lock:
            return {
                "dialect": self.dialect, "limit": self.limit, "window_seconds": self.window,
                "answered": self.answered, "rate_limited": self.rate_limited,
                "max_429s_in_a_window": self.max_refused_in_a_window,
                "calls_after_429": self.calls_after_429, "calls_after_remaining_0": self.calls_after_exhausted,
                "callers": {fingerprint(caller): {"answered": window.answered_total, "refused": window.refused_total}
                            for caller, window in self.callers.items()},
            }

    # MARK: dialects

    def headers(self, verdict):
        """Headers for an answer to `verdict` (200 or 429) in this vendor's dialect."""
        reset = verdict.reset_seconds()
        limit, remaining = str(self.limit), str(verdict.remaining)
        if self.dialect == "groq":
            headers = {
                "x-ratelimit-limit-requests": limit, "x-ratelimit-remaining-requests": remaining,
                "x-ratelimit-reset-requests": go_duration(reset),
                "x-ratelimit-limit-tokens": "100000", "x-ratelimit-remaining-tokens": "99994",
                "x-ratelimit-reset-tokens": "3.6ms",
            }
            if not verdict.allowed:
                headers["retry-after"] = str(max(1, math.ceil(reset)))
            return headers
        if self.dialect == "openrouter":
            if verdict.allowed:
                return {}
            return self.openrouter_headers(reset)
        with self.lock:
            day_used = self.answered + (1 if verdict.allowed else 0)
        return {
            "x-ratelimit-limit-requests-minute": limit, "x-ratelimit-remaining-requests-minute": remaining,
            "x-ratelimit-reset-requests-minute": f"{math.ceil(reset * 1e6) / 1e6:.6f}",
            "x-ratelimit-limit-requests-day": "14400", "x-ratelimit-remaining-requests-day": str(max(0, 14400 - day_used)),
            "x-ratelimit-reset-requests-day": "33011.382867097855",
            "x-ratelimit-limit-tokens-minute": "60000", "x-ratelimit-remaining-tokens-minute": "59994",
            "x-ratelimit-reset-tokens-minute": f"{math.ceil(reset * 1e6) / 1e6:.6f}",
        }

    def openrouter_headers(self, reset):
        reset_ms = math.ceil((time.time() + reset) * 1000)
        return {"X-RateLimit-Limit": str(self.limit), "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset_ms)}

    def refusal_body(self, verdict, headers):
        """The 429 body, shaped like the vendor's (see ../shared/fixtures/upstream/*429*)."""
        reset = verdict.reset_seconds()
        if self.dialect == "groq":
            message = (f"Rate limit reached for model `{self.model_name}` in organization `org_fake` service tier "
                       f"`on_demand` on requests per minute (RPM): Limit {self.limit}, Used {self.limit}, Requested 1. "
                       f"Please try again in {go_duration(reset)}.")
            return {"error": {"message": message, "type": "requests", "code": "rate_limit_exceeded"}}
        if self.dialect == "openrouter":
            message = (f"Rate limit exceeded: limit_rpm/{self.model_name}/fake. High demand for {self.model_name}:free "
                       f"on OpenRouter - limited to {self.limit} requests per window. Please retry shortly.")
            return {"error": {"message": message, "code": 429, "metadata": {"headers": headers, "provider_name": None}},
                    "user_id": "user_fake"}
        return {"message": "Requests per minute limit exceeded - too many requests sent.",
                "type": "too_many_requests_error", "param": "quota", "code": "request_quota_exceeded"}
