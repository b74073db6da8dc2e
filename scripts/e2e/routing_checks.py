"""Routing choices of a real llmrouter, seen through the official OpenAI Python SDK. Run by
scripts/e2e-routing.sh, which starts the router with routing rules, sticky sessions, hedging, a
paid route within a tiny budget and stream_failover: continue, over fake upstreams that each
answer "<name>: <question>" (so the text says who answered) and count their calls.
"""
import argparse
import time

import openai
from openai import OpenAI

from sdk_checks import check, finish, stats

parser = argparse.ArgumentParser()
parser.add_argument("--router", required=True, help="http://127.0.0.1:PORT")
parser.add_argument("--reply", required=True, help="the text the cut and rest fakes answer")
parser.add_argument("--fakes", nargs="+", required=True, help="NAME=PORT of each fake upstream")
args = parser.parse_args()
fakes = {name: f"http://127.0.0.1:{port}" for name, port in (pair.split("=") for pair in args.fakes)}
client = OpenAI(base_url=args.router + "/v1", api_key="no-keys", max_retries=0, timeout=30)


def calls(name):
    """Chat calls the named fake has answered so far."""
    return stats(fakes[name])["chat_requests"]


def ask(model, text, headers=None):
    """One chat request; returns (content, response headers)."""
    raw = client.chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": text}], extra_headers=headers or {})
    return raw.parse().choices[0].message.content, raw.headers


def expect(actual, wanted, what):
    if actual != wanted:
        raise AssertionError(f"{what}: wanted {wanted!r}, got {actual!r}")


def show(headers):
    print("     | " + "; ".join(f"{k}: {v}" for k, v in sorted(headers.items()) if k.startswith("x-llmrouter")))


@check("deny rule: the SDK raises PermissionDeniedError with the rule's message")
def deny():
    try:
        ask("forbidden-thing", "hi")
    except openai.PermissionDeniedError as error:
        expect(error.status_code, 403, "status")
        expect(error.code, "denied_by_rule", "code")
        expect(error.response.headers.get("x-llmrouter-rule"), "no-forbidden", "X-LLMRouter-Rule")
        assert "Forbidden models" in error.message, error.message
        return
    raise AssertionError("the request was served")


@check("prefer rule: tag-model goes to the eu-tagged route first, X-LLMRouter-Rule: prefer-eu")
def prefer_by_tag():
    before = {name: calls(name) for name in ("main", "gpu", "eu")}
    content, headers = ask("tag-model", "where am I served?")
    show(headers)
    expect(content, "eu: where am I served?", "answer")
    expect(headers.get("x-llmrouter-rule"), "prefer-eu", "X-LLMRouter-Rule")
    expect(headers.get("x-llmrouter-policy"), "priority", "X-LLMRouter-Policy")
    expect({name: calls(name) - count for name, count in before.items()}, {"main": 0, "gpu": 0, "eu": 1}, "calls")


@check("header rule: X-Team: gpu-1 is served only by tag:gpu, X-LLMRouter-Rule: gpu-team")
def only_by_header():
    before = {name: calls(name) for name in ("main", "gpu", "eu")}
    content, headers = ask("tag-model", "a gpu question", {"X-Team": "gpu-1"})
    show(headers)
    expect(content, "gpu: a gpu question", "answer")
    expect(headers.get("x-llmrouter-rule"), "gpu-team", "X-LLMRouter-Rule")
    expect({name: calls(name) - count for name, count in before.items()}, {"main": 0, "gpu": 1, "eu": 0}, "calls")


@check("sticky session: X-Session-Id new, then hit twice on the same route (round_robin otherwise)")
def sticky():
    seen = []
    for turn in range(3):
        _, headers = ask("sticky-model", f"turn {turn}", {"X-Session-Id": "ticket-4711"})
        seen.append((headers.get("x-llmrouter-sticky"), headers.get("x-llmrouter-provider")))
    print(f"     | {seen}")
    expect([state for state, _ in seen], ["new", "hit", "hit"], "X-LLMRouter-Sticky")
    expect(len({provider for _, provider in seen}), 1, "providers")
    # Without the session the two equal-priority routes take turns: the stickiness was the session's.
    providers = {ask("sticky-model", f"no session {turn}")[1].get("x-llmrouter-provider") for turn in range(2)}
    expect(providers, {"sticky-a", "sticky-b"}, "providers without a session")


@check("hedging: the slow route is called, the quick one answers, X-LLMRouter-Hedged: true")
def hedged():
    slow, quick = calls("slow"), calls("main")
    started = time.monotonic()
    content, headers = ask("hedge-model", "race")
    elapsed = time.monotonic() - started
    show(headers)
    print(f"     | answered in {elapsed:.2f} s (the slow fake waits 3 s, the hedge starts after 0.3 s)")
    expect(content, "main: race", "answer")
    expect(headers.get("x-llmrouter-hedged"), "true", "X-LLMRouter-Hedged")
    expect(headers.get("x-llmrouter-provider"), "quick", "X-LLMRouter-Provider")
    expect(headers.get("x-llmrouter-attempts"), "2", "X-LLMRouter-Attempts")
    expect((calls("slow") - slow, calls("main") - quick), (1, 1), "calls (slow, quick)")
    assert elapsed < 2.5, f"took {elapsed:.2f} s"


@check("budget: the paid route answers twice ($0.012 spent of $0.01), then is skipped with reason budget")
def budget():
    before = calls("paid")
    for turn in range(2):
        content, headers = ask("budget-model", f"paid {turn}")
        expect(content, f"paid: paid {turn}", "answer")
    try:
        ask("budget-model", "paid 2")
    except openai.APIStatusError as error:
        skipped = error.response.headers.get("x-llmrouter-skipped", "")
        print(f"     | {error.status_code}; X-LLMRouter-Skipped: {skipped}")
        assert "paid (budget" in skipped, skipped
        expect(calls("paid") - before, 2, "paid calls")
        return
    raise AssertionError("a third paid answer beyond the budget")


@check("stream cut after 3 words, continued on the next route: one text, one id, llmrouter member")
def continued():
    cut, rest = calls("cut"), calls("rest")
    stream = client.chat.completions.create(
        model="stream-model", messages=[{"role": "user", "content": "tell me"}], stream=True)
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    print(f"     | {len(chunks)} chunks: {text!r}")
    expect(text, args.reply, "streamed text")
    expect(len({c.id for c in chunks}), 1, "ids")
    marker = (chunks[-1].model_extra or {}).get("llmrouter") or {}
    expect((marker.get("continued_from"), marker.get("continued_on")), ("cut", "rest"), "llmrouter member")
    expect((calls("cut") - cut, calls("rest") - rest), (1, 1), "calls (cut, rest)")


def auto_streamed(text):
    """A streamed `model: auto` request (never cascaded); returns (text, X-LLMRouter-Auto)."""
    raw = client.chat.completions.with_raw_response.create(
        model="auto", messages=[{"role": "user", "content": text}], stream=True)
    answer = "".join(c.choices[0].delta.content or "" for c in raw.parse() if c.choices)
    return answer, raw.headers.get("x-llmrouter-auto")


@check("auto: a code prompt is tier code on code-model, a greeting tier simple on small-model")
def auto_tiers():
    code, code_auto = auto_streamed("```python\ndef add(a, b):\n    return a - b\n```\nFix this bug in my python function.")
    hello, hello_auto = auto_streamed("hello there!")
    print(f"     | code: {code_auto}; greeting: {hello_auto}")
    expect(code_auto, "tier=code; model=code-model", "X-LLMRouter-Auto for code")
    assert code.startswith("gpu: "), code
    expect(hello_auto, "tier=simple; model=small-model", "X-LLMRouter-Auto for a greeting")


@check("auto cascade: the small model's refusal moves a greeting up to big-model, both steps in headers")
def auto_cascade():
    small, big = calls("refuser"), calls("eu")
    content, headers = ask("auto", "hi, how are you?")
    show(headers)
    expect(content, "eu: hi, how are you?", "answer")
    expect(headers.get("x-llmrouter-cascade"), "small-model -> big-model; reason=refusal", "X-LLMRouter-Cascade")
    expect(headers.get("x-llmrouter-auto"), "tier=simple; model=big-model", "X-LLMRouter-Auto")
    expect((calls("refuser") - small, calls("eu") - big), (1, 1), "calls (small, big)")


finish("routing_checks.py")
