"""Bounded concurrent load against llmrouter (127.0.0.1 only) that counts what the client saw.

Sends --requests chat requests with --concurrency workers (a share of them streaming), then
prints how many were answered, how many failed as the client saw it, and which provider
answered. Exits 1 on any client-visible failure.
"""
import argparse
import collections
import concurrent.futures
import http.client
import json
import sys
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--router", required=True, help="http://127.0.0.1:PORT")
parser.add_argument("--requests", type=int, default=2000)
parser.add_argument("--concurrency", type=int, default=32)
parser.add_argument("--stream-share", type=float, default=0.2)
parser.add_argument("--model", default="chaos-model")
parser.add_argument("--time-limit", type=float, default=300, help="stop sending after this many seconds")
args = parser.parse_args()
url = urllib.parse.urlparse(args.router)
if url.hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit("load tests only target the loopback interface")


def one(index):
    stream = (index % 100) < args.stream_share * 100
    body = json.dumps({"model": args.model, "stream": stream, "messages": [{"role": "user", "content": f"request {index}"}]})
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        connection.request("POST", "/v1/chat/completions", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = response.read().decode()
        provider = response.getheader("X-LLMRouter-Provider", "?")
        attempts = int(response.getheader("X-LLMRouter-Attempts", "0") or 0)
        if response.status != 200:
            return ("http %d" % response.status, provider, attempts, data[:200])
        if stream:
            if not data.rstrip().endswith("data: [DONE]") or '"error"' in data:
                return ("broken stream", provider, attempts, data[-200:])
            text = "".join(
                (json.loads(line[6:])["choices"] or [{}])[0].get("delta", {}).get("content") or ""
                for line in data.split("\n\n") if line.startswith("data: {")
            )
        else:
            text = json.loads(data)["choices"][0]["message"]["content"]
        if not text.endswith(f"request {index}"):
            return ("wrong answer", provider, attempts, text[:200])
        return ("ok", provider, attempts, None)
    except Exception as error:  # noqa: BLE001 - any exception is a client-visible failure
        return (type(error).__name__, "?", 0, str(error)[:200])
    finally:
        connection.close()


started = time.monotonic()
outcomes = collections.Counter()
answered_by = collections.Counter()
attempt_histogram = collections.Counter()
examples = {}
sent = 0
with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
    futures = []
    for index in range(args.requests):
        if time.monotonic() - started > args.time_limit:
            break
        futures.append(pool.submit(one, index))
        sent += 1
    for future in concurrent.futures.as_completed(futures):
        outcome, provider, attempts, detail = future.result()
        outcomes[outcome] += 1
        if outcome == "ok":
            answered_by[provider] += 1
            attempt_histogram[attempts] += 1
        elif outcome not in examples:
            examples[outcome] = detail
elapsed = time.monotonic() - started
failed = sent - outcomes["ok"]
print(f"requests sent:            {sent} ({args.concurrency} concurrent, {args.stream_share:.0%} streaming) in {elapsed:.1f} s")
print(f"answered:                 {outcomes['ok']}")
print(f"failed to the client:     {failed}")
for outcome, detail in examples.items():
    print(f"  {outcomes[outcome]} x {outcome}: {detail}")
print("answered by:              " + ", ".join(f"{p}={n}" for p, n in sorted(answered_by.items())))
print("providers called/request: " + ", ".join(f"{a}:{n}" for a, n in sorted(attempt_histogram.items())))
print(f"load: {outcomes['ok']} passed, {failed} failed")
sys.exit(1 if failed else 0)
