"""The full scripts/bench.sh report: every target at 1 and 64 connections, what llmrouter adds
over the direct upstream and the bare stacks, the translated APIs and the cache hit.
Usage: report.py CONFIGURATION SECONDS RSS_ECHO RSS_PROXY RSS_LOGGED RUNS_1... RUNS_64...
(nine run lists per connection count, targets (a) to (i); each "req/s p50 p99 [cpu];" per round)."""
import os
import platform
import statistics
import sys

configuration, seconds = sys.argv[1], sys.argv[2]
rss_echo, rss_proxy, rss_logged = map(int, sys.argv[3:6])
# Every column of a row is the median of its rounds.
runs = [[tuple(map(float, run.split())) for run in value.split(";") if run] for value in sys.argv[6:]]
rows = [tuple(statistics.median(column) for column in zip(*target)) for target in runs]
names = ["(a) llmrouter, echo", "(b) llmrouter -> nginx", "(c) nginx directly", "(d) bare Hummingbird",
         "(e) bare HB + AHC -> nginx", "(f) (b) + usage log on", "(g) (b) via /v1/messages", "(h) (b) via /v1/responses",
         "(i) (b) + cache, every hit"]
count = len(names)
cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
print(f"\nmachine: {os.cpu_count()} cores, {cpu}; build: {configuration}; {seconds} s runs (wrk), medians")
for block, connections in ((0, 1), (count, 64)):
    print(f"\n{connections} connection{'s' if connections > 1 else ''}:")
    print(f"  {'':26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, row in zip(names, rows[block:block + count]):
        rps, p50, p99 = row[:3]
        cpu_text = f" {row[3]:8.1f} µs CPU/request" if len(row) > 3 else ""
        print(f"  {name:26} {rps:9.0f} {p50:8.3f} {p99:8.3f}{cpu_text}")
a1, b1, c1, e1 = rows[0], rows[1], rows[2], rows[4]
b64, d64, e64 = rows[count + 1], rows[count + 3], rows[count + 4]
peak = max(rss_echo, rss_proxy) / 1024
print(f"\nllmrouter adds over the direct upstream at 1 connection: p50 {b1[1] - c1[1]:+.3f} ms, p99 {b1[2] - c1[2]:+.3f} ms (targets < 0.3 / < 1)")
print(f"proxying at 64 connections keeps {b64[0] / d64[0] * 100:.0f}% of bare Hummingbird's req/s (target >= 50%)")
print(f"against the bare Hummingbird + AsyncHTTPClient proxy (e): p50 at 1 connection {b1[1] - e1[1]:+.3f} ms, "
      f"req/s at 64 connections {b64[0] / e64[0] * 100:.0f}%; (e) itself adds p50 {e1[1] - c1[1]:+.3f} ms "
      f"and keeps {e64[0] / d64[0] * 100:.0f}% of (d)")


def cpu_ratios(first, second):
    """Targets run back to back in each round, so their ratio cancels most of what the machine's
    neighbours add to both; the median of the rounds' ratios is the figure."""
    ratios = [one[3] / two[3] for one, two in zip(first, second)]
    return statistics.median(ratios), ", ".join(f"{ratio:.2f}" for ratio in ratios)


ratio1, rounds1 = cpu_ratios(runs[1], runs[4])
ratio64, rounds64 = cpu_ratios(runs[count + 1], runs[count + 4])
print(f"server CPU per proxied request, llmrouter (b) / bare HB + AHC proxy (e), median of the rounds' ratios: "
      f"{ratio1:.2f}x at 1 connection ({b1[3]:.1f} vs {e1[3]:.1f} µs; rounds {rounds1}), "
      f"{ratio64:.2f}x at 64 connections ({b64[3]:.1f} vs {e64[3]:.1f} µs; rounds {rounds64}) (target <= 1.1x)")
for label, index in (("/v1/messages (g)", 6), ("/v1/responses (h)", 7)):
    one, one_rounds = cpu_ratios(runs[index], runs[1])
    many, many_rounds = cpu_ratios(runs[count + index], runs[count + 1])
    print(f"server CPU per request, {label} / chat completions (b): {one:.2f}x at 1 connection (rounds {one_rounds}), "
          f"{many:.2f}x at 64 connections (rounds {many_rounds}) (target <= 1.3x)")
# The response cache: a hit is answered before routing, so it should cost no more than echo.
print("\ncache hit (i) next to echo (a) and the proxied miss (b):")
print(f"  {'':16} {'p50 ms (i/a/b)':>24} {'p99 ms (i/a/b)':>24} {'µs CPU/request (i/a/b)':>26}")
for block, label in ((0, "1 connection"), (count, "64 connections")):
    hit, echo, miss = rows[block + 8], rows[block], rows[block + 1]
    print(f"  {label:16} {hit[1]:8.3f}{echo[1]:8.3f}{miss[1]:8.3f} {hit[2]:8.3f}{echo[2]:8.3f}{miss[2]:8.3f} "
          f"{hit[3]:8.1f}{echo[3]:9.1f}{miss[3]:9.1f}")
hit_echo1, hit_echo1_rounds = cpu_ratios(runs[8], runs[0])
hit_echo64, hit_echo64_rounds = cpu_ratios(runs[count + 8], runs[count])
hit_miss1, _ = cpu_ratios(runs[8], runs[1])
hit_miss64, _ = cpu_ratios(runs[count + 8], runs[count + 1])
print(f"server CPU per request, hit (i) / echo (a): {hit_echo1:.2f}x at 1 connection (rounds {hit_echo1_rounds}), "
      f"{hit_echo64:.2f}x at 64 connections (rounds {hit_echo64_rounds}) (target: no more than echo, <= 1.0x); "
      f"hit / proxied miss (b): {hit_miss1:.2f}x and {hit_miss64:.2f}x")
print(f"peak RSS: llmrouter echo {rss_echo / 1024:.1f} MB, proxy {rss_proxy / 1024:.1f} MB, "
      f"proxy with usage log {rss_logged / 1024:.1f} MB (target < 50 MB)")
