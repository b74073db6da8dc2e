"""One scenario of scripts/bench-freetier.sh: paced load through llmrouter in front of rate-limited fakes.

Open loop: request i leaves at start + i / rate whatever happened to earlier ones, as independent clients
would send them (every fourth one streams). Then it reads each fake's GET /_stats and prints the client's
view (answered/sent, p50/p95, refusals and how many carried Retry-After) and the upstreams' (429s
provoked, the most in one window, calls that reached a provider after it had said it was out of calls),
followed by PASS/FAIL lines against the targets of issue 8. Exits 3 when a target is missed.
With --summary FILE it also writes those figures as JSON (for scripts/bench/instances_report.py).
127.0.0.1 only.
"""
import argparse
import collections
import http.client
import json
import math
import sys
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--router", required=True, help="http://127.0.0.1:PORT")
parser.add_argument("--fake", action="append", default=[], help="NAME=PORT of a rate-limited fake; repeat")
parser.add_argument("--rate", type=float, required=True, help="requests per second")
parser.add_argument("--seconds", type=float, required=True)
parser.add_argument("--targets", choices=["learning", "configured", "over"], required=True)
parser.add_argument("--title", required=True)
parser.add_argument("--model", default="free-model")
parser.add_argument("--timeout", type=float, default=6.0, help="client timeout per request, seconds")
parser.add_argument("--summary", help="also write the figures to this file as JSON")
args = parser.parse_args()
router = urllib.parse.urlparse(args.router)
if router.hostname != "127.0.0.1":
    sys.exit("the free-tier benchmark only targets 127.0.0.1")


class Outcome:
    def __init__(self, status, latency, retry_after):
        self.status = status  # an HTTP status, or a word for what went wrong on the client's side
        self.latency = latency
        self.retry_after = retry_after


def send(index):
    stream = index % 4 == 3
    body = json.dumps({"model": args.model, "stream": stream,
                       "messages": [{"role": "user", "content": f"request {index}"}]})
    started = time.monotonic()
    connection = http.client.HTTPConnection(router.hostname, router.port, timeout=args.timeout)
    try:
        connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read().decode(errors="replace")
        status = response.status
        if status == 200 and stream and (not data.rstrip().endswith("data: [DONE]") or '"error"' in data):
            status = "200, broken stream"
        return Outcome(status, time.monotonic() - started, response.getheader("Retry-After") is not None)
    except TimeoutError:
        return Outcome("client timeout", time.monotonic() - started, False)
    except (OSError, http.client.HTTPException) as error:
        return Outcome(type(error).__name__, time.monotonic() - started, False)
    finally:
        connection.close()


def run_load():
    total = int(round(args.rate * args.seconds))
    outcomes = [None] * total
    threads = []

    def one(index):
        outcomes[index] = send(index)

    start = time.monotonic()
    for index in range(total):
        delay = start + index / args.rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        thread = threading.Thread(target=one, args=(index,), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(args.timeout + 2)
    return [outcome or Outcome("no answer", args.timeout, False) for outcome in outcomes]


def fake_stats(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/_stats")
        return json.loads(connection.getresponse().read())["rate_limits"]
    finally:
        connection.close()


def rank(outcomes, share):
    """The outcomes' latency at this share in milliseconds (nearest rank), or None when there are none."""
    ordered = sorted(o.latency * 1000 for o in outcomes)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))] if ordered else None


def percentiles(outcomes):
    """'p50/p95' of the outcomes' latencies in milliseconds, or '-' when there are none."""
    return f"{rank(outcomes, .5):.1f}/{rank(outcomes, .95):.1f}" if outcomes else "-"


def main():
    outcomes = run_load()
    fakes = [(name, fake_stats(int(port))) for name, _, port in (spec.partition("=") for spec in args.fake)]
    sent = len(outcomes)
    answered = [o for o in outcomes if o.status == 200]
    refused = [o for o in outcomes if o.status != 200]
    with_retry_after = sum(o.retry_after for o in refused)
    statuses = collections.Counter(str(o.status) for o in refused)
    capacity = sum(s["limit"] * math.ceil(args.seconds / s["window_seconds"]) for _, s in fakes)

    print(f"\n== {args.title}: {args.rate:g} req/s for {args.seconds:g} s, open loop (every 4th request streams)")
    limits = ", ".join(f"{name} {s['limit']} per {s['window_seconds']:g} s" for name, s in fakes)
    print(f"   upstream capacity over the run: about {capacity} calls ({limits})")
    print(f"   answered/sent        {len(answered)}/{sent} ({len(answered) / sent * 100:.1f}%)")
    print(f"   client p50/p95 ms    answered {percentiles(answered)}, refused {percentiles(refused)}")
    refusal_kinds = ", ".join(f"{status} x{count}" for status, count in sorted(statuses.items())) or "none"
    print(f"   refusals             {len(refused)} ({refusal_kinds}); with Retry-After {with_retry_after}")
    print(f"   {'provider':<18}{'dialect':<12}{'answered':>9}{'429s':>6}{'max 429s/window':>17}"
          f"{'calls after 429':>17}{'after remaining=0':>19}")
    for name, s in fakes:
        print(f"   {name:<18}{s['dialect']:<12}{s['answered']:>9}{s['rate_limited']:>6}{s['max_429s_in_a_window']:>17}"
              f"{s['calls_after_429']:>17}{s['calls_after_remaining_0']:>19}")
    cooled = sum(s["calls_after_429"] + s["calls_after_remaining_0"] for _, s in fakes)
    upstream_429s = sum(s["rate_limited"] for _, s in fakes)
    print(f"   upstream 429s provoked {upstream_429s}; calls to cooled providers {cooled}")

    checks = []
    if args.targets in ("learning", "configured"):
        checks.append((f"answered >= 99% ({len(answered)}/{sent})", len(answered) >= 0.99 * sent))
    if args.targets == "learning":
        worst = max((s["max_429s_in_a_window"] for _, s in fakes), default=0)
        checks.append((f"at most one 429 per provider per window while learning (worst {worst})", worst <= 1))
    if args.targets == "configured":
        checks.append((f"no upstream 429 with configured limits ({upstream_429s})", upstream_429s == 0))
    if args.targets == "over":
        not_429 = sum(1 for o in refused if o.status != 429)
        checks.append((f"every refusal is a 429 ({not_429} of {len(refused)} are not)", not_429 == 0))
        checks.append((f"every refusal carries Retry-After ({with_retry_after} of {len(refused)})",
                       with_retry_after == len(refused)))
        checks.append((f"no cooled provider is called ({cooled} calls)", cooled == 0))
    for text, passed in checks:
        print(f"   {'PASS' if passed else 'FAIL'} {text}")
    if args.summary:
        with open(args.summary, "w") as file:
            json.dump({"title": args.title, "sent": sent, "answered": len(answered), "upstream_429s": upstream_429s,
                       "cooled_calls": cooled, "p50_ms": rank(answered, .5), "p95_ms": rank(answered, .95),
                       "refusals": len(refused), "targets_met": all(passed for _, passed in checks)}, file)
    return 0 if all(passed for _, passed in checks) else 3


if __name__ == "__main__":
    sys.exit(main())
