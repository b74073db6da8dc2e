"""The response cache of a real llmrouter, seen through the official OpenAI Python SDK. Run by
scripts/e2e-cache.sh, which starts the router (LLMROUTER_CACHE_TTL on, access keys alice, bob
and an admin) over a counting fake upstream (fast) and a slow one (for the stampede).

--phase main: hit after miss, stream replay both ways, controls, keys apart, stampede, warm, clear.
--phase stored / --phase restored / --phase cleared: one request against the SQLite backend,
before a restart (a miss that calls), after it (a hit that does not), after `cache clear --file`.
"""
import argparse
import concurrent.futures
import json
import subprocess
import tempfile
import time

from openai import OpenAI

from sdk_checks import check, finish, stats

parser = argparse.ArgumentParser()
parser.add_argument("--router", required=True, help="http://127.0.0.1:PORT")
parser.add_argument("--fake", required=True, help="the fast fake upstream")
parser.add_argument("--slow", help="the slow fake upstream (--phase main)")
parser.add_argument("--bin", help="the llmrouter binary, for `cache warm` and `cache clear`")
parser.add_argument("--alice", default="no-keys")
parser.add_argument("--bob", default="no-keys")
parser.add_argument("--admin", default="no-keys")
parser.add_argument("--phase", default="main", choices=["main", "stored", "restored", "cleared"])
args = parser.parse_args()


def client(key):
    return OpenAI(base_url=args.router + "/v1", api_key=key, max_retries=0, timeout=30)


alice, bob = client(args.alice), client(args.bob)
MODEL = "cache-model"


def calls(base=None):
    """Chat calls the fake upstream has answered so far."""
    return stats(base or args.fake)["chat_requests"]


def ask(who, text, model=MODEL, **options):
    """A deterministic chat request (temperature 0 unless it has a seed); returns (content,
    X-LLMRouter-Cache, headers, id)."""
    if "seed" not in options:
        options.setdefault("temperature", 0)
    raw = who.chat.completions.with_raw_response.create(model=model, messages=[{"role": "user", "content": text}], **options)
    completion = raw.parse()
    return completion.choices[0].message.content, raw.headers.get("x-llmrouter-cache"), raw.headers, completion.id


def ask_streaming(who, text):
    """The same request streamed; returns (content pieces, X-LLMRouter-Cache)."""
    raw = who.chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": text}], temperature=0, stream=True)
    pieces = [chunk.choices[0].delta.content for chunk in raw.parse() if chunk.choices and chunk.choices[0].delta.content]
    return pieces, raw.headers.get("x-llmrouter-cache")


def expect_one_call(action, base=None):
    """Runs `action`, asserting the fake answered exactly one chat call meanwhile."""
    before = calls(base)
    result = action()
    made = calls(base) - before
    assert made == 1, f"{made} upstream calls, expected 1"
    return result


def expect_no_call(action, base=None):
    before = calls(base)
    result = action()
    made = calls(base) - before
    assert made == 0, f"{made} upstream calls, expected none"
    return result


def run_cli(*arguments):
    """`llmrouter ARGUMENTS --url ROUTER`, bounded; returns (exit status, stdout, stderr)."""
    done = subprocess.run([args.bin, *arguments, "--url", args.router], capture_output=True, text=True, timeout=60)
    for line in (done.stdout + done.stderr).strip().splitlines():
        print(f"     | {line}")
    return done.returncode, done.stdout, done.stderr


def main_phase():
    @check("a miss, then a hit for the same request: one upstream call, same answer, Age")
    def _():
        first = expect_one_call(lambda: ask(alice, "what is a cache hit"))
        assert first[0] == "fake: what is a cache hit" and first[1] == "miss", first[:2]
        second = expect_no_call(lambda: ask(alice, "what is a cache hit"))
        assert second[1] == "hit", second[1]
        assert second[0] == first[0] and second[3] == first[3], (first, second)
        assert int(second[2]["age"]) >= 0, second[2]
        print(f"     miss then {second[1]!r}, Age {second[2]['age']}, id {second[3]}")

    @check("a stream of a cached answer is replayed in word pieces with no upstream call")
    def _():
        pieces, verdict = expect_no_call(lambda: ask_streaming(alice, "what is a cache hit"))
        assert verdict == "hit", verdict
        assert "".join(pieces) == "fake: what is a cache hit", pieces
        assert len(pieces) > 1, pieces
        print(f"     {len(pieces)} content chunks: {pieces}")

    @check("a streamed answer is kept assembled and answers a complete request")
    def _():
        text = "stream me into the cache please"
        pieces, verdict = expect_one_call(lambda: ask_streaming(alice, text))
        assert verdict == "miss" and "".join(pieces) == f"fake: {text}", (verdict, pieces)
        deadline = time.monotonic() + 5  # stored when the stream has ended, off the request path
        while True:
            content, verdict, _, _ = ask(alice, text)
            if verdict == "hit" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert verdict == "hit" and content == f"fake: {text}", (verdict, content)

    @check("Cache-Control: no-cache calls the upstream again and stores the new answer")
    def _():
        _, verdict, _, _ = expect_one_call(lambda: ask(alice, "what is a cache hit", extra_headers={"Cache-Control": "no-cache"}))
        assert verdict == "miss", verdict
        _, verdict, headers, _ = expect_no_call(lambda: ask(alice, "what is a cache hit"))
        assert verdict == "hit" and int(headers["age"]) <= 1, (verdict, headers.get("age"))

    @check("X-LLMRouter-Cache: off and a temperature above 0 bypass the cache")
    def _():
        for options in ({"extra_headers": {"X-LLMRouter-Cache": "off"}}, {"temperature": 0.7}):
            for _ in range(2):
                _, verdict, _, _ = expect_one_call(lambda: ask(alice, "what is a cache hit", **options))
                assert verdict == "bypass", (options, verdict)

    @check("two access keys do not share an entry")
    def _():
        text = "a question both teams ask"
        assert expect_one_call(lambda: ask(alice, text))[1] == "miss"
        assert expect_one_call(lambda: ask(bob, text))[1] == "miss", "bob got alice's entry"
        assert expect_no_call(lambda: ask(bob, text))[1] == "hit"
        assert expect_no_call(lambda: ask(alice, text))[1] == "hit"

    @check("a stampede of 8 identical concurrent requests makes 1 upstream call")
    def _():
        text = "everyone asks this at once"
        before = calls(args.slow)
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: ask(alice, text, model="slow-model"), range(8)))
        took = time.monotonic() - started
        made = calls(args.slow) - before
        verdicts = sorted(result[1] for result in results)
        print(f"     8 requests in {took:.2f} s against a 1.5 s upstream: {made} upstream call(s), verdicts {verdicts}")
        assert made == 1, f"{made} upstream calls"
        assert {result[0] for result in results} == {f"fake-slow: {text}"}, results
        assert verdicts == ["hit"] * 7 + ["miss"], verdicts

    warm_lines = [
        {"model": MODEL, "temperature": 0, "messages": [{"role": "user", "content": "warm question one"}]},
        {"model": MODEL, "seed": 7, "messages": [{"role": "user", "content": "warm question two"}]},
        {"path": "/v1/embeddings", "body": {"model": "cache-embed", "input": "warm words", "encoding_format": "float"}},
    ]

    @check("llmrouter cache warm FILE.jsonl, then the same requests are hits with no upstream call")
    def _():
        with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as file:
            file.write("# warmed at startup\n" + "\n".join(json.dumps(line) for line in warm_lines) + "\n")
        before = stats(args.fake)
        status, out, err = run_cli("cache", "warm", file.name, "--key", args.alice)
        after = stats(args.fake)
        assert status == 0 and "sent 3: 3 stored" in out, (status, out)
        assert err.count("] line ") == 3, err
        assert after["chat_requests"] - before["chat_requests"] == 2, (before, after)
        assert after["embedding_requests"] - before["embedding_requests"] == 1, (before, after)
        assert expect_no_call(lambda: ask(alice, "warm question one"))[1] == "hit"
        assert expect_no_call(lambda: ask(alice, "warm question two", seed=7))[1] == "hit"
        embeddings_before = stats(args.fake)["embedding_requests"]
        raw = alice.embeddings.with_raw_response.create(model="cache-embed", input="warm words", encoding_format="float")
        assert raw.headers.get("x-llmrouter-cache") == "hit", raw.headers.get("x-llmrouter-cache")
        assert len(raw.parse().data[0].embedding) == 8
        assert stats(args.fake)["embedding_requests"] == embeddings_before, "the warmed embedding called upstream"

    @check("llmrouter cache clear: refused with a plain key, done with the admin key; then a miss")
    def _():
        status, _, err = run_cli("cache", "clear", "--key", args.alice)
        assert status != 0 and "403" in err and "Usage:" not in err, (status, err)
        assert expect_no_call(lambda: ask(alice, "what is a cache hit"))[1] == "hit", "a refused clear cleared"
        status, out, _ = run_cli("cache", "clear", "--key", args.admin)
        answer = json.loads(out)
        assert status == 0 and answer["status"] == "cleared" and answer["entries"] >= 8, (status, out)
        assert expect_one_call(lambda: ask(alice, "what is a cache hit"))[1] == "miss"
        assert expect_one_call(lambda: ask(alice, "warm question one"))[1] == "miss"


def restart_phase(phase):
    text = "does the cache survive a restart"
    expected = {"stored": ("miss", 1), "restored": ("hit", 0), "cleared": ("miss", 1)}[phase]
    title = {"stored": "before the restart: a miss that calls the upstream",
             "restored": "after SIGTERM and a new start: a hit with no upstream call",
             "cleared": "after `cache clear --file`: a miss again"}[phase]

    @check(f"SQLite backend, {title}")
    def _():
        before = calls()
        content, verdict, headers, _ = ask(alice, text)
        made = calls() - before
        print(f"     X-LLMRouter-Cache: {verdict}, Age: {headers.get('age')}, upstream calls: {made}")
        assert (verdict, made) == expected, (verdict, made)
        assert content == f"fake: {text}", content


if args.phase == "main":
    main_phase()
else:
    restart_phase(args.phase)
finish(f"cache ({args.phase})")
