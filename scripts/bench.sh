#!/usr/bin/env bash
# Benchmark (figures, not a test): wrk against
#   (a) llmrouter with the echo provider,
#   (b) llmrouter proxying to a fast local upstream (nginx returning a canned completion),
#   (c) that nginx upstream directly,
#   (d) a bare Hummingbird endpoint returning the same JSON (the framework's own ceiling),
#   (e) a bare Hummingbird endpoint proxying to (c) with AsyncHTTPClient (the stack's own
#       ceiling for proxying: the two packages llmrouter is built on, with no routing at all),
#   (f) (b) with the usage log on (LLMROUTER_DB in a temporary folder; the others run with
#       LLMROUTER_DB=off), so its cost is measured side by side in the same run,
#   (g) (b)'s server asked through POST /v1/messages (Anthropic, translated both ways),
#   (h) (b)'s server asked through POST /v1/responses (Responses, translated both ways),
#   (i) (b) with the response cache on (LLMROUTER_CACHE_TTL) asked a request with temperature 0:
#       the warm-up's first request stores the answer, every timed request is a hit,
# at 1 connection and at 64. Prints req/s, p50/p99 latency, server CPU per request where the
# server is ours, what llmrouter adds over (c), what the usage log adds, a cache hit next to echo
# and the proxied miss, and llmrouter's peak RSS. 127.0.0.1 only; each run is BENCH_SECONDS long
# (default 5), and the targets take turns for BENCH_ROUNDS rounds (default 3): each figure is the
# median of its rounds, since a small VM's neighbours move single runs by a quarter either way.
#   scripts/bench.sh            release build (the figures in README)
#   BENCH_ONLY=usage-log BENCH_ROUNDS=9 scripts/bench.sh   only (b) and (f), taking turns in both
#                               orders, for the usage log's cost: p50/p99 and server CPU per request
#   BENCH_ONLY=cache-store BENCH_ROUNDS=9 scripts/bench.sh   only the response cache in memory (m)
#                               and with its SQLite file (s, LLMROUTER_CACHE=sqlite:PATH), taking
#                               turns likewise, under requests that all miss and are stored
#   BENCH_ONLY=rules BENCH_ROUNDS=5 scripts/bench.sh   only echo (n) against echo with 20 routing
#                               rules (r, scripts/bench/rules.sh), taking turns likewise, then a perf
#                               profile of (r), both side by side at one steady rate in both start
#                               orders (and two plain servers, A/A), and the heap
#                               allocations each makes per request: the rules' cost
#   BENCH_SECONDS=2 BENCH_ROUNDS=1 LLMROUTER_BUILD_CONFIGURATION=debug scripts/bench.sh   quick smoke run
#   LLMROUTER_BIN=/path/to/llmrouter scripts/bench.sh   no build: that binary, and bench-baseline
#                               beside it (or BASELINE_BIN)
source "$(dirname "$0")/lib.sh"
source "$ROOT/scripts/bench/wrk-lib.sh"
SECONDS_PER_RUN=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
CONFIGURATION=${LLMROUTER_BUILD_CONFIGURATION:-release}
ONLY=${BENCH_ONLY:-}
case "$ONLY" in
    "" | usage-log | cache-store | rules) ;;
    *) echo "BENCH_ONLY: empty, usage-log, cache-store or rules, got '$ONLY'" >&2; exit 2 ;;
esac
export LLMROUTER_BUILD_CONFIGURATION=$CONFIGURATION

need wrk wrk
need nginx nginx

SCRATCH=${LLMROUTER_SCRATCH_PATH:-.build}
if [ -n "${LLMROUTER_BIN:-}" ]; then
    # A binary built already (another checkout's, or before a change): no build here.
    BIN=$LLMROUTER_BIN
    BASELINE=${BASELINE_BIN:-$(dirname "$BIN")/bench-baseline}
else
    (cd "$ROOT" && swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product llmrouter >&2 \
        && swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product bench-baseline >&2)
    BIN="$ROOT/$SCRATCH/$CONFIGURATION/llmrouter"
    BASELINE="$ROOT/$SCRATCH/$CONFIGURATION/bench-baseline"
fi
WORK=$(mktemp -d)
trap 'stop_children; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; rm -rf "$WORK"' EXIT
COMPLETION="$ROOT/scripts/bench/completion.json"

canned_upstream

cat >"$WORK/echo.yaml" <<YAML
providers:
  - {name: echo, type: echo}
YAML
cat >"$WORK/proxy.yaml" <<YAML
providers:
  - {name: nginx, type: openai, base_url: "http://127.0.0.1:$NGINX_PORT/v1", model: bench-model}
YAML
# serve CONFIG [VARIABLE=VALUE...]: starts llmrouter over CONFIG (usage log off unless the
# variables say otherwise) on a free port; sets PORT and PID.
serve() {
    local config=$1
    shift
    PORT=$(free_port)
    env LLMROUTER_DB=off "$@" "$BIN" --config "$WORK/$config" --port "$PORT" --log-level error &
    PID=$!
}
PORTS=()
if [ "$ONLY" = "" ] || [ "$ONLY" = usage-log ]; then
    serve proxy.yaml && PROXY_PORT=$PORT PROXY_PID=$PID
    serve proxy.yaml LLMROUTER_DB="$WORK/usage.sqlite" && LOGGED_PORT=$PORT LOGGED_PID=$PID
    PORTS+=("$PROXY_PORT" "$LOGGED_PORT")
fi
if [ -z "$ONLY" ]; then
    serve echo.yaml && ECHO_PORT=$PORT ECHO_PID=$PID
    serve proxy.yaml LLMROUTER_CACHE_TTL=3600 && HIT_PORT=$PORT HIT_PID=$PID
    PORTS+=("$ECHO_PORT" "$HIT_PORT")
    BASELINE_PORT=$(free_port)
    "$BASELINE" "$BASELINE_PORT" "$COMPLETION" >/dev/null 2>&1 &
    BASELINE_PROXY_PORT=$(free_port)
    "$BASELINE" "$BASELINE_PROXY_PORT" --proxy "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" >/dev/null 2>&1 &
    BASELINE_PROXY_PID=$!
    for port in "$BASELINE_PORT" "$BASELINE_PROXY_PORT"; do
        for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$port/v1/chat/completions" && break; sleep 0.1; done
    done
fi
if [ "$ONLY" = cache-store ]; then
    serve proxy.yaml LLMROUTER_CACHE_TTL=3600 && MEMORY_PORT=$PORT MEMORY_PID=$PID
    serve proxy.yaml LLMROUTER_CACHE_TTL=3600 LLMROUTER_CACHE="sqlite:$WORK/cache.sqlite" && STORED_PORT=$PORT STORED_PID=$PID
    PORTS+=("$MEMORY_PORT" "$STORED_PORT")
fi
[ "$ONLY" = rules ] && source "$ROOT/scripts/bench/rules.sh"
for port in "${PORTS[@]}" "$NGINX_PORT"; do
    for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$port/v1/chat/completions" -d '{"messages":[{"role":"user","content":"x"}]}' && break; sleep 0.1; done
done

# RequestRouter.route's @_specialize builds the router's steps for the server's clock in Core;
# should a change stop it from reaching them, every request runs them as generic code (about
# 30 µs more a request): say which binary this is before its figures.
if [ "$CONFIGURATION" = release ] && command -v nm >/dev/null; then
    # grep -c reads to the end: grep -q would close the pipe on nm, which pipefail reports.
    if [ "$(nm "$BIN" | grep -c 'RequestRouterC13attemptRoutes.*ContinuousClock')" -gt 0 ]; then
        echo "the router's steps are specialised for the server's clock"
    else
        echo "WRONG: the router's steps are not specialised for the server's clock (RequestRouter.route's @_specialize)"
    fi
fi

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round of $ROUNDS" >&2
    for connections in 1 64; do
        case "$ONLY" in
            usage-log) pair b "$PROXY_PORT" "$PROXY_PID" f "$LOGGED_PORT" "$LOGGED_PID" "$connections" "$round"; continue ;;
            cache-store)
                pair m "$MEMORY_PORT" "$MEMORY_PID" s "$STORED_PORT" "$STORED_PID" "$connections" "$round" distinct-deterministic.lua
                continue ;;
            rules) pair n "$PLAIN_PORT" "$PLAIN_PID" r "$RULES_PORT" "$RULES_PID" "$connections" "$round" rules.lua; continue ;;
        esac
        RESULT[a$connections]+="$(run a "$ECHO_PORT" "$connections" "$ECHO_PID");"
        RESULT[b$connections]+="$(run b "$PROXY_PORT" "$connections" "$PROXY_PID");"
        RESULT[c$connections]+="$(run c "$NGINX_PORT" "$connections");"
        RESULT[d$connections]+="$(run d "$BASELINE_PORT" "$connections");"
        RESULT[e$connections]+="$(run e "$BASELINE_PROXY_PORT" "$connections" "$BASELINE_PROXY_PID");"
        RESULT[f$connections]+="$(run f "$LOGGED_PORT" "$connections" "$LOGGED_PID");"
        RESULT[g$connections]+="$(run g "$PROXY_PORT" "$connections" "$PROXY_PID" /v1/messages messages.lua);"
        RESULT[h$connections]+="$(run h "$PROXY_PORT" "$connections" "$PROXY_PID" /v1/responses responses.lua);"
        RESULT[i$connections]+="$(run i "$HIT_PORT" "$connections" "$HIT_PID" /v1/chat/completions post-deterministic.lua);"
    done
done
rss() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }
# metric PORT PREFIX: the sum of the metric series on the server at PORT whose name (with its
# labels) starts with PREFIX.
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v prefix="$2" 'index($1, prefix) == 1 {sum += $2} END {print sum + 0}'; }

if [ "$ONLY" = cache-store ]; then
    RSS_MEMORY=$(rss "$MEMORY_PID") RSS_STORED=$(rss "$STORED_PID")
    STORES=$(metric "$STORED_PORT" llmrouter_cache_stores_total)
    # The file's writer on its own: its thread's CPU and the bytes it handed the kernel, per
    # stored answer; figures that do not move with the neighbours as the totals do.
    WRITER=$(for task in /proc/"$STORED_PID"/task/*; do
        if [ "$(cat "$task/comm")" = cache-store ]; then echo "$(awk '{print $14 + $15}' "$task/stat") $(awk '/^wchar/ {print $2}' "$task/io")"; fi
    done)
    WRITER_FIGURES=$(awk -v stores="$STORES" -v hz="$(getconf CLK_TCK)" '{printf "the writer thread %.1f µs CPU and %.0f bytes written per stored answer", $1 / hz * 1e6 / stores, $2 / stores}' <<<"${WRITER:-0 0}")
    HITS=$(( $(metric "$MEMORY_PORT" 'llmrouter_cache_requests_total{result="hit"') + $(metric "$STORED_PORT" 'llmrouter_cache_requests_total{result="hit"') ))
    # A graceful stop writes what is still queued; then every stored answer should be in the file.
    kill -TERM "$STORED_PID" && wait "$STORED_PID" || true
    FILE_ROWS=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM response_cache").fetchone()[0])' "$WORK/cache.sqlite")
    FILE_MB=$(du -cm "$WORK"/cache.sqlite* | awk 'END {print $1}')
    python3 "$ROOT/scripts/bench/side_by_side.py" "response cache with its SQLite file (s) vs in memory only (m), every request a miss that is stored" \
        m s "$ROUNDS" "peak RSS m $((RSS_MEMORY / 1024)) MB, s $((RSS_STORED / 1024)) MB; $STORES answers stored, $FILE_ROWS in the file after a graceful stop (${FILE_MB} MB; trimmed to LLMROUTER_CACHE_MAX_BYTES once a minute), $HITS hits (should be 0); $WRITER_FIGURES" \
        "${RESULT[m1]}" "${RESULT[s1]}" "${RESULT[m64]}" "${RESULT[s64]}"
    exit 0
fi

if [ "$ONLY" = rules ]; then
    python3 "$ROOT/scripts/bench/side_by_side.py" "echo with 20 routing rules (the last deciding) and auto on (r), vs neither (n), model auto" n r "$ROUNDS" \
        "$(rules_decided); load: $(uptime | sed 's/.*load/load/') (target: rules and classifier together <= +5 µs CPU/request)" \
        "${RESULT[n1]}" "${RESULT[r1]}" "${RESULT[n64]}" "${RESULT[r64]}"
    rules_profile
    echo "side by side at one steady rate (both servers at once, 32 connections each waiting 10 ms between requests):"
    rules_paced
    rules_allocations
    exit 0
fi

RSS_PROXY=$(rss "$PROXY_PID") RSS_LOGGED=$(rss "$LOGGED_PID")
DROPPED=$(metric "$LOGGED_PORT" llmrouter_usage_log_dropped_rows_total)
SERVED=$(curl -s "http://127.0.0.1:$LOGGED_PORT/dashboard/api/summary" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total_requests"])')
# A graceful stop writes what is still buffered; then every answered request should have its row.
kill -TERM "$LOGGED_PID" && wait "$LOGGED_PID" || true
ROWS=$("$BIN" stats --db "$WORK/usage.sqlite" --since 1d --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["requests"])')
DB_MB=$(du -cm "$WORK"/usage.sqlite* | awk 'END {print $1}')
echo "usage log: $SERVED requests served, $ROWS rows written, $DROPPED dropped, ${DB_MB} MB on disk" >&2

if [ -z "$ONLY" ]; then
    MISSES=$(metric "$HIT_PORT" 'llmrouter_cache_requests_total{result="miss"')
    echo "cache hit target (i): $(metric "$HIT_PORT" 'llmrouter_cache_requests_total{result="hit"') hits, $MISSES misses (1: the warm-up's first)" >&2
    args=()
    for connections in 1 64; do for key in a b c d e f g h i; do args+=("${RESULT[$key$connections]}"); done; done
    python3 "$ROOT/scripts/bench/report.py" "$CONFIGURATION" "$SECONDS_PER_RUN x $ROUNDS" "$(rss "$ECHO_PID")" "$RSS_PROXY" "$RSS_LOGGED" "${args[@]}"
fi

# The usage log's cost: (f) against (b), the same proxy with the log off, in the same rounds.
python3 "$ROOT/scripts/bench/side_by_side.py" "usage log on (f) vs off (b)" off on "$ROUNDS" \
    "peak RSS off $((RSS_PROXY / 1024)) MB, on $((RSS_LOGGED / 1024)) MB; $ROWS of $SERVED requests written, $DROPPED dropped" \
    "${RESULT[b1]}" "${RESULT[f1]}" "${RESULT[b64]}" "${RESULT[f64]}"
