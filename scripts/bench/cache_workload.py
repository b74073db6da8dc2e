"""The workload of scripts/bench-cache.sh (figures, not a test; 127.0.0.1 only, stdlib only).

1. Replays --requests chat requests one after another: --repeat-share exact repeats of an earlier
   question, --paraphrase-share the same words reordered, re-cased and with "please" added (the
   fake upstream's bag-of-words embeddings put them close), the rest unique; every request
   deterministic (temperature 0) and in one semantic scope. Prints what the client saw
   (X-LLMRouter-Cache), what the fake upstream was asked, and the calls saved.
2. Fills the semantic index with --fill more unique questions (concurrently), then times
   --lookups more: llmrouter_cache_semantic_lookup_seconds from /metrics (the index scan alone),
   before and after, so only the full index's lookups count.
"""
import argparse
import concurrent.futures
import http.client
import json
import random
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

parser = argparse.ArgumentParser()
parser.add_argument("--router", required=True, help="http://127.0.0.1:PORT")
parser.add_argument("--fake", required=True, help="the fake upstream, for its /_stats")
parser.add_argument("--model", default="bench-model")
parser.add_argument("--requests", type=int, default=300)
parser.add_argument("--repeat-share", type=float, default=0.3)
parser.add_argument("--paraphrase-share", type=float, default=0.1)
parser.add_argument("--fill", type=int, default=512, help="unique questions sent after the workload")
parser.add_argument("--lookups", type=int, default=200, help="lookups timed on the full index")
parser.add_argument("--concurrency", type=int, default=8, help="for the fill")
parser.add_argument("--seed", type=int, default=15)
args = parser.parse_args()
ROUTER = urllib.parse.urlparse(args.router)
if ROUTER.hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit("benchmarks only target the loopback interface")
LOOKUP = "llmrouter_cache_semantic_lookup_seconds"

CITIES = ["Lisbon", "Oslo", "Nairobi", "Lima", "Osaka", "Quito", "Tunis", "Perth", "Hanoi", "Bergen", "Cusco", "Dakar"]
ROLES = ["mayor", "treasurer", "engineer", "historian", "architect", "librarian", "surgeon", "farmer"]
BODIES = ["harbour board", "railway guild", "water company", "city council", "university", "fishing fleet"]
TOPICS = ["flood defences", "tram fares", "school meals", "bridge repairs", "market rents", "street lighting", "grain prices"]
EVENTS = ["winter storms", "census", "festival", "strike", "election", "drought"]


def unique_question(rng):
    """About 30 words: six slots picked at random in one long template, so two questions share
    most words yet stay below the 0.95 threshold (cosine about 0.85 under bag-of-words)."""
    return (f"In {rng.choice(CITIES)} what did the {rng.choice(ROLES)} of the {rng.choice(BODIES)} say about "
            f"{rng.choice(TOPICS)} during the {rng.choice(EVENTS)} of {rng.randrange(1850, 2025)} and why did it "
            f"matter to the people who lived there")


def paraphrase(question):
    """The same words in another order and case, and one more ("please"): what the fake
    upstream's bag-of-words embedding can tell apart; a real model also catches rewordings."""
    head, _, tail = question.partition(" and why ")
    return f"Please: why {tail} - {head.lower()}?"


def filler_question(rng, number):
    return unique_question(rng) + f" case {number}"


def post(body, connection=None):
    """One chat request; returns (X-LLMRouter-Cache, seconds)."""
    own = connection is None
    connection = connection or http.client.HTTPConnection(ROUTER.hostname, ROUTER.port, timeout=60)
    started = time.perf_counter()
    connection.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    took = time.perf_counter() - started
    if own:
        connection.close()
    if response.status != 200:
        sys.exit(f"the router answered {response.status}")
    return response.getheader("X-LLMRouter-Cache", "none"), took


def chat(text):
    return {"model": args.model, "temperature": 0, "messages": [{"role": "user", "content": text}]}


def fake_stats():
    with urllib.request.urlopen(args.fake + "/_stats", timeout=5) as response:
        return json.load(response)


def metrics():
    """The router's /metrics as {name{labels}: value}."""
    with urllib.request.urlopen(args.router + "/metrics", timeout=5) as response:
        text = response.read().decode()
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


def workload_plan(rng):
    """(kind, text) per request: each repeat or paraphrase refers to a question asked before."""
    repeats = round(args.requests * args.repeat_share)
    paraphrases = round(args.requests * args.paraphrase_share)
    kinds = ["repeat"] * repeats + ["paraphrase"] * paraphrases + ["unique"] * (args.requests - repeats - paraphrases)
    rng.shuffle(kinds)
    if "unique" in kinds:  # the first request has nothing to repeat
        first = kinds.index("unique")
        kinds[0], kinds[first] = kinds[first], kinds[0]
    asked, unparaphrased, plan = [], [], []
    for kind in kinds:
        if kind == "unique" or not asked or (kind == "paraphrase" and not unparaphrased):
            question = unique_question(rng)
            asked.append(question)
            unparaphrased.append(question)
            plan.append(("unique", question))
        elif kind == "repeat":
            plan.append(("repeat", rng.choice(asked)))
        else:
            question = unparaphrased.pop(rng.randrange(len(unparaphrased)))
            plan.append(("paraphrase", paraphrase(question)))
    return plan


def replay_workload(rng):
    before, counted_before = fake_stats(), metrics()
    plan = workload_plan(rng)
    seen = {}
    latency = {}
    connection = http.client.HTTPConnection(ROUTER.hostname, ROUTER.port, timeout=60)
    for kind, text in plan:
        verdict, took = post(chat(text), connection)
        verdict = re.sub(r";.*", "", verdict)
        seen[(kind, verdict)] = seen.get((kind, verdict), 0) + 1
        latency.setdefault(verdict, []).append(took)
    connection.close()
    after = fake_stats()
    chat_calls = after["chat_requests"] - before["chat_requests"]
    embedding_calls = after["embedding_requests"] - before["embedding_requests"]
    kinds = {kind: sum(count for (k, _), count in seen.items() if k == kind) for kind in ("unique", "repeat", "paraphrase")}
    print(f"workload: {len(plan)} requests: {kinds['unique']} unique, {kinds['repeat']} exact repeats, {kinds['paraphrase']} paraphrases")
    for (kind, verdict), count in sorted(seen.items()):
        print(f"  {kind:<10} -> {verdict:<12} {count:>4}")
    print(f"  upstream chat calls: {chat_calls} for {len(plan)} requests: {len(plan) - chat_calls} saved "
          f"({100 * (len(plan) - chat_calls) / len(plan):.0f}%)")
    print(f"  upstream embedding calls (the semantic layer's, one per exact miss): {embedding_calls}")
    print(f"  all upstream calls: {chat_calls + embedding_calls} for {len(plan)} requests")
    counted = metrics()
    results = ("hit", "semantic_hit", "miss", "bypass")
    moved = {r: counted.get(f'llmrouter_cache_requests_total{{result="{r}"}}', 0)
             - counted_before.get(f'llmrouter_cache_requests_total{{result="{r}"}}', 0) for r in results}
    print("  /metrics llmrouter_cache_requests_total: " + ", ".join(f"{r} {moved[r]:.0f}" for r in results))
    for verdict, times in sorted(latency.items()):
        times.sort()
        print(f"  client latency, {verdict:<12} p50 {1000 * statistics.median(times):6.2f} ms   "
              f"max {1000 * times[-1]:6.2f} ms   (n={len(times)})")


def fill_index(rng):
    questions = [filler_question(rng, number) for number in range(args.fill)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.concurrency) as pool:
        verdicts = list(pool.map(lambda text: post(chat(text))[0], questions))
    took = time.monotonic() - started
    print(f"fill: {len(questions)} more unique questions in {took:.1f} s "
          f"({sum(v == 'miss' for v in verdicts)} misses, {sum(v != 'miss' for v in verdicts)} other)")


def lookup_histogram(values):
    buckets = sorted((float(re.search(r'le="([^"]+)"', name).group(1)), count)
                     for name, count in values.items() if name.startswith(LOOKUP + "_bucket"))
    return buckets, values.get(LOOKUP + "_sum", 0.0), values.get(LOOKUP + "_count", 0.0)


def time_lookups(rng):
    """Lookups against the full index: new unique questions, each scanning every slot of the scope."""
    before = lookup_histogram(metrics())
    for number in range(args.lookups):
        post(chat(filler_question(rng, args.fill + number) + " timed"))
    after = lookup_histogram(metrics())
    count = after[2] - before[2]
    if count <= 0:
        sys.exit(f"{LOOKUP} did not move: is the semantic cache on?")
    mean = (after[1] - before[1]) / count
    deltas = [(bound, now - then) for (bound, now), (_, then) in zip(after[0], before[0])]
    quantiles = []
    for share in (0.5, 0.99):
        bound = next((b for b, n in deltas if n >= share * count), float("inf"))
        quantiles.append("≤ %s" % ("+Inf" if bound == float("inf") else f"{bound * 1e6:g} µs"))
    values = metrics()
    print(f"semantic lookup on the full index: mean {mean * 1e6:.1f} µs over {count:.0f} lookups; "
          f"p50 {quantiles[0]}, p99 {quantiles[1]} (histogram buckets)")
    print(f"cache after: {values.get('llmrouter_cache_entries', 0):.0f} entries, "
          f"{values.get('llmrouter_cache_bytes', 0) / 1048576:.1f} MiB, "
          f"{values.get('llmrouter_cache_evictions_total', 0):.0f} evictions")


rng = random.Random(args.seed)
replay_workload(rng)
fill_index(rng)
time_lookups(rng)
