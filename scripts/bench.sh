#!/usr/bin/env bash
# Benchmark (figures, not a test): wrk against
#   (a) llmrouter with the echo provider,
#   (b) llmrouter proxying to a fast local upstream (nginx returning a canned completion),
#   (c) that nginx upstream directly,
#   (d) a bare Hummingbird endpoint returning the same JSON (the framework's own ceiling),
#   (e) a bare Hummingbird endpoint proxying to (c) with AsyncHTTPClient (the stack's own
#       ceiling for proxying: the two packages llmrouter is built on, with no routing at all),
#   (f) (b) with the usage log on (LLMROUTER_DB in a temporary folder; (a) and (b) run with
#       LLMROUTER_DB=off), so its cost is measured side by side in the same run,
#   (g) (b)'s server asked through POST /v1/messages (Anthropic, translated both ways),
#   (h) (b)'s server asked through POST /v1/responses (Responses, translated both ways),
# at 1 connection and at 64. Prints req/s, p50/p99 latency, what llmrouter adds over (c), what
# the usage log adds, and llmrouter's peak RSS. 127.0.0.1 only; each run is BENCH_SECONDS long (default 5), and the
# five targets take turns for BENCH_ROUNDS rounds (default 3): each figure is the median of its
# rounds, since a small VM's neighbours move single runs by a quarter either way.
#   scripts/bench.sh            release build (the figures in README)
#   BENCH_ONLY=usage-log BENCH_ROUNDS=9 scripts/bench.sh   only (b) and (f), taking turns in both
#                               orders, for the usage log's cost: p50/p99 and server CPU per request
#   BENCH_ONLY=rules BENCH_ROUNDS=5 scripts/bench.sh   only (a) against (a) with 20 routing rules
#                               (scripts/bench/rules.sh): server CPU per request, the rules' cost
#   BENCH_SECONDS=2 BENCH_ROUNDS=1 LLMROUTER_BUILD_CONFIGURATION=debug scripts/bench.sh   quick smoke run
source "$(dirname "$0")/lib.sh"
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CONFIGURATION=${LLMROUTER_BUILD_CONFIGURATION:-release}
ONLY=${BENCH_ONLY:-}
case "$ONLY" in
    "" | usage-log | rules) ;;
    *) echo "BENCH_ONLY: empty, usage-log or rules, got '$ONLY'" >&2; exit 2 ;;
esac
export LLMROUTER_BUILD_CONFIGURATION=$CONFIGURATION

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "installing $2 (apt-get)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2") >/dev/null
}
need wrk wrk
need nginx nginx

SCRATCH=${LLMROUTER_SCRATCH_PATH:-.build}
(cd "$ROOT" && swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product llmrouter >&2 \
    && swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product bench-baseline >&2)
BIN="$ROOT/$SCRATCH/$CONFIGURATION/llmrouter"
BASELINE="$ROOT/$SCRATCH/$CONFIGURATION/bench-baseline"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT
COMPLETION="$ROOT/scripts/bench/completion.json"

NGINX_PORT=$(free_port)
cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        keepalive_requests 1000000;
        location = /v1/chat/completions {
            default_type application/json;
            return 200 '$(cat "$COMPLETION")';
        }
    }
}
NGINX
nginx -c "$WORK/nginx.conf"

ECHO_PORT=$(free_port)
cat >"$WORK/echo.yaml" <<YAML
providers:
  - {name: echo, type: echo}
YAML
LLMROUTER_DB=off "$BIN" --config "$WORK/echo.yaml" --port "$ECHO_PORT" --log-level error &
ECHO_PID=$!

PROXY_PORT=$(free_port)
cat >"$WORK/proxy.yaml" <<YAML
providers:
  - {name: nginx, type: openai, base_url: "http://127.0.0.1:$NGINX_PORT/v1", model: bench-model}
YAML
LLMROUTER_DB=off "$BIN" --config "$WORK/proxy.yaml" --port "$PROXY_PORT" --log-level error &
PROXY_PID=$!
LOGGED_PORT=$(free_port)
LLMROUTER_DB="$WORK/usage.sqlite" "$BIN" --config "$WORK/proxy.yaml" --port "$LOGGED_PORT" --log-level error &
LOGGED_PID=$!

BASELINE_PORT=$(free_port)
"$BASELINE" "$BASELINE_PORT" "$COMPLETION" >/dev/null 2>&1 &
BASELINE_PROXY_PORT=$(free_port)
"$BASELINE" "$BASELINE_PROXY_PORT" --proxy "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" >/dev/null 2>&1 &
BASELINE_PROXY_PID=$!

for port in "$ECHO_PORT" "$PROXY_PORT" "$LOGGED_PORT" "$NGINX_PORT"; do
    for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$port/v1/chat/completions" -d '{"messages":[{"role":"user","content":"x"}]}' && break; sleep 0.1; done
done
for port in "$BASELINE_PORT" "$BASELINE_PROXY_PORT"; do
    for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$port/v1/chat/completions" && break; sleep 0.1; done
done

# CPU time a process has used, in clock ticks (user + system, /proc/PID/stat fields 14 and 15):
# unlike req/s it does not move with what the neighbours on the machine are doing.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME PORT CONNECTIONS [PID] [PATH] [LUA]: prints "req/s p50_ms p99_ms", and with PID the
# server's CPU ticks over the timed run as a fourth field. PATH and LUA default to chat completions.
run() {
    local port=$2 connections=$3 pid=${4:-} path=${5:-/v1/chat/completions} lua=${6:-post.lua} threads=1 before=0 after=0
    [ "$connections" -gt 1 ] && threads=2
    # A short warm-up so connection setup and first-call costs do not count.
    wrk -t1 -c"$connections" -d1s -s "$ROOT/scripts/bench/$lua" "http://127.0.0.1:$port$path" >/dev/null
    [ -n "$pid" ] && before=$(ticks "$pid")
    wrk -t"$threads" -c"$connections" -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/scripts/bench/$lua" \
        "http://127.0.0.1:$port$path" >"$WORK/wrk.out"
    [ -n "$pid" ] && after=$(ticks "$pid")
    echo "ticks $((after - before))" >>"$WORK/wrk.out"
    python3 - "$WORK/wrk.out" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(value):
    match = re.match(r"([\d.]+)(ns|us|ms|s|m)$", value)
    if not match:
        sys.exit(f"cannot read wrk latency {value!r} in:\n{text}")
    number, unit = match.groups()
    return float(number) * {"ns": 1e-6, "us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
done = int(re.search(r"(\d+) requests in", text).group(1))
ticks = int(re.search(r"^ticks (\d+)", text, re.M).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors:
    sys.exit(f"wrk saw {errors.group(1)} non-2xx responses")
cpu = f" {ticks * 1e6 / int(sys.argv[2]) / max(done, 1):.1f}" if ticks else ""
print(f"{rps:.0f} {p50:.3f} {p99:.3f}{cpu}")
PY
}

if [ "$ONLY" = rules ]; then
    source "$ROOT/scripts/bench/rules.sh"
    exit 0
fi

declare -A RESULT
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round of $ROUNDS" >&2
    for connections in 1 64; do
        if [ "$ONLY" = usage-log ]; then
            # Off and on in turn, in both orders over the rounds, so a drift in what the
            # neighbours do hits both alike.
            if [ $((round % 2)) = 1 ]; then
                RESULT[b$connections]+="$(run b "$PROXY_PORT" "$connections" "$PROXY_PID");"
                RESULT[f$connections]+="$(run f "$LOGGED_PORT" "$connections" "$LOGGED_PID");"
            else
                RESULT[f$connections]+="$(run f "$LOGGED_PORT" "$connections" "$LOGGED_PID");"
                RESULT[b$connections]+="$(run b "$PROXY_PORT" "$connections" "$PROXY_PID");"
            fi
            continue
        fi
        RESULT[a$connections]+="$(run a "$ECHO_PORT" "$connections");"
        RESULT[b$connections]+="$(run b "$PROXY_PORT" "$connections" "$PROXY_PID");"
        RESULT[c$connections]+="$(run c "$NGINX_PORT" "$connections");"
        RESULT[d$connections]+="$(run d "$BASELINE_PORT" "$connections");"
        RESULT[e$connections]+="$(run e "$BASELINE_PROXY_PORT" "$connections" "$BASELINE_PROXY_PID");"
        RESULT[f$connections]+="$(run f "$LOGGED_PORT" "$connections" "$LOGGED_PID");"
        RESULT[g$connections]+="$(run g "$PROXY_PORT" "$connections" "$PROXY_PID" /v1/messages messages.lua);"
        RESULT[h$connections]+="$(run h "$PROXY_PORT" "$connections" "$PROXY_PID" /v1/responses responses.lua);"
    done
done
RSS_ECHO=$(awk '/VmHWM/ {print $2}' "/proc/$ECHO_PID/status")
RSS_PROXY=$(awk '/VmHWM/ {print $2}' "/proc/$PROXY_PID/status")
RSS_LOGGED=$(awk '/VmHWM/ {print $2}' "/proc/$LOGGED_PID/status")
DROPPED=$(curl -s "http://127.0.0.1:$LOGGED_PORT/metrics" | awk '/^llmrouter_usage_log_dropped_rows_total/ {sum += $2} END {print sum + 0}')
SERVED=$(curl -s "http://127.0.0.1:$LOGGED_PORT/dashboard/api/summary" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_requests"])')
# A graceful stop writes what is still buffered; then every answered request should have its row.
kill -TERM "$LOGGED_PID" && wait "$LOGGED_PID" || true
ROWS=$("$BIN" stats --db "$WORK/usage.sqlite" --since 1d --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["requests"])')
DB_MB=$(du -cm "$WORK"/usage.sqlite* | awk 'END {print $1}')
echo "usage log: $SERVED requests served, $ROWS rows written, $DROPPED dropped, ${DB_MB} MB on disk" >&2

if [ -z "$ONLY" ]; then
python3 - "$CONFIGURATION" "$SECONDS_PER_RUN x $ROUNDS" "$RSS_ECHO" "$RSS_PROXY" "$RSS_LOGGED" "$SERVED" "$ROWS" "$DROPPED" \
    "${RESULT[a1]}" "${RESULT[b1]}" "${RESULT[c1]}" "${RESULT[d1]}" "${RESULT[e1]}" "${RESULT[f1]}" "${RESULT[g1]}" "${RESULT[h1]}" \
    "${RESULT[a64]}" "${RESULT[b64]}" "${RESULT[c64]}" "${RESULT[d64]}" "${RESULT[e64]}" "${RESULT[f64]}" "${RESULT[g64]}" "${RESULT[h64]}" <<'PY'
import os, platform, statistics, sys
configuration, seconds = sys.argv[1], sys.argv[2]
rss_echo, rss_proxy, rss_logged, served, written, dropped = map(int, sys.argv[3:9])
# Each argument holds one "req/s p50 p99 [cpu µs/request]" per round; every column is the median
# of its rounds.
runs = [[tuple(map(float, run.split())) for run in value.split(";") if run] for value in sys.argv[9:]]
rows = [tuple(statistics.median(column) for column in zip(*target)) for target in runs]
names = ["(a) llmrouter, echo", "(b) llmrouter -> nginx", "(c) nginx directly", "(d) bare Hummingbird",
         "(e) bare HB + AHC -> nginx", "(f) (b) + usage log on", "(g) (b) via /v1/messages", "(h) (b) via /v1/responses"]
cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), platform.processor())
print(f"\nmachine: {os.cpu_count()} cores, {cpu}; build: {configuration}; {seconds} s runs (wrk), medians")
for block, connections in ((0, 1), (8, 64)):
    print(f"\n{connections} connection{'s' if connections > 1 else ''}:")
    print(f"  {'':26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for name, row in zip(names, rows[block:block + 8]):
        rps, p50, p99 = row[:3]
        cpu_text = f" {row[3]:8.1f} µs CPU/request" if len(row) > 3 else ""
        print(f"  {name:26} {rps:9.0f} {p50:8.3f} {p99:8.3f}{cpu_text}")
b1, c1, e1, f1, b64, d64, e64, f64 = rows[1], rows[2], rows[4], rows[5], rows[9], rows[11], rows[12], rows[13]
added_p50, added_p99 = b1[1] - c1[1], b1[2] - c1[2]
share = b64[0] / d64[0] * 100
peak = max(rss_echo, rss_proxy) / 1024
print(f"\nllmrouter adds over the direct upstream at 1 connection: p50 {added_p50:+.3f} ms, p99 {added_p99:+.3f} ms (targets < 0.3 / < 1)")
print(f"proxying at 64 connections keeps {share:.0f}% of bare Hummingbird's req/s (target >= 50%)")
print(f"against the bare Hummingbird + AsyncHTTPClient proxy (e): p50 at 1 connection {b1[1] - e1[1]:+.3f} ms, "
      f"req/s at 64 connections {b64[0] / e64[0] * 100:.0f}%; (e) itself adds p50 {e1[1] - c1[1]:+.3f} ms "
      f"and keeps {e64[0] / d64[0] * 100:.0f}% of (d)")
# (b) and (e) run back to back in each round, so their ratio cancels most of what the machine's
# neighbours add to both; the median of the rounds' ratios is the figure.
def cpu_ratios(b, e):
    ratios = [rb[3] / re_[3] for rb, re_ in zip(b, e)]
    return statistics.median(ratios), ", ".join(f"{ratio:.2f}" for ratio in ratios)
ratio1, rounds1 = cpu_ratios(runs[1], runs[4])
ratio64, rounds64 = cpu_ratios(runs[9], runs[12])
print(f"server CPU per proxied request, llmrouter (b) / bare HB + AHC proxy (e), median of the rounds' ratios: "
      f"{ratio1:.2f}x at 1 connection ({b1[3]:.1f} vs {e1[3]:.1f} µs; rounds {rounds1}), "
      f"{ratio64:.2f}x at 64 connections ({b64[3]:.1f} vs {e64[3]:.1f} µs; rounds {rounds64}) (target <= 1.1x)")
# The translated APIs against chat completions through the same server and upstream, in the same rounds.
for label, index in (("/v1/messages (g)", 6), ("/v1/responses (h)", 7)):
    one, one_rounds = cpu_ratios(runs[index], runs[1])
    many, many_rounds = cpu_ratios(runs[index + 8], runs[9])
    print(f"server CPU per request, {label} / chat completions (b): {one:.2f}x at 1 connection (rounds {one_rounds}), "
          f"{many:.2f}x at 64 connections (rounds {many_rounds}) (target <= 1.3x)")
print(f"peak RSS: llmrouter echo {rss_echo / 1024:.1f} MB, proxy {rss_proxy / 1024:.1f} MB, "
      f"proxy with usage log {rss_logged / 1024:.1f} MB (target < 50 MB)")
PY
fi

# The usage log's cost: (f) against (b), the same proxy with the log off, in the same rounds.
python3 - "$ROUNDS" "$SERVED" "$ROWS" "$DROPPED" "$RSS_PROXY" "$RSS_LOGGED" \
    "${RESULT[b1]}" "${RESULT[f1]}" "${RESULT[b64]}" "${RESULT[f64]}" <<'PY'
import statistics, sys
rounds = sys.argv[1]
served, written, dropped, rss_off, rss_on = map(int, sys.argv[2:7])
off1, on1, off64, on64 = ([tuple(map(float, run.split())) for run in value.split(";") if run] for value in sys.argv[7:11])
median = lambda values: statistics.median(values)
listed = lambda values, form: ", ".join(form.format(value) for value in values)
print(f"\nusage log on (f) vs off (b), medians of {rounds} rounds:")
print(f"  {'':19} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'µs CPU/request':>15}")
for label, off, on in (("1 connection", off1, on1), ("64 connections", off64, on64)):
    for state, runs in (("off", off), ("on", on)):
        rps, p50, p99, cpu = (median(column) for column in zip(*runs))
        print(f"  {label + ' ' + state:19} {rps:9.0f} {p50:8.3f} {p99:8.3f} {cpu:15.1f}")
# Each round runs off and on back to back: the median of the rounds' differences and ratios
# cancels most of what the neighbours add to both.
p50_gaps = [on[1] - off[1] for off, on in zip(off1, on1)]
p99_gaps = [on[2] - off[2] for off, on in zip(off1, on1)]
cpu1 = [on[3] / off[3] for off, on in zip(off1, on1)]
cpu64 = [on[3] / off[3] for off, on in zip(off64, on64)]
print(f"p99 at 1 connection, on - off: {median(p99_gaps):+.3f} ms (rounds {listed(p99_gaps, '{:+.3f}')}) (target <= +0.1)")
print(f"p50 at 1 connection, on - off: {median(p50_gaps):+.3f} ms (rounds {listed(p50_gaps, '{:+.3f}')}) (target <= +0.05)")
print(f"server CPU per request, on / off: {median(cpu1):.2f}x at 1 connection (rounds {listed(cpu1, '{:.2f}')}), "
      f"{median(cpu64):.2f}x at 64 connections (rounds {listed(cpu64, '{:.2f}')}) (target <= 1.1x at 64)")
print(f"req/s at 64 connections, on / off: {median(on[0] / off[0] for off, on in zip(off64, on64)) * 100:.0f}%; "
      f"peak RSS off {rss_off / 1024:.1f} MB, on {rss_on / 1024:.1f} MB; {written} of {served} requests written, {dropped} dropped")
PY
