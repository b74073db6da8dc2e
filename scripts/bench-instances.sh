#!/usr/bin/env bash
# Many-instance benchmark (figures, not a test; not run by CI): llmrouter processes behind nginx
# round-robin (deploy/nginx.conf with its upstreams replaced by the instances on 127.0.0.1), with
# and without the shared state of LLMROUTER_DATABASE_URL on a throwaway PostgreSQL
# (scripts/postgres-lib.sh; a fresh database per run). Three parts, each printing what it checks:
#   freetier  the inside- and over-capacity scenarios of scripts/bench-freetier.sh (the same three
#             rate-limited fakes and paced load: scripts/bench/freetier-lib.sh, freetier_scenario.py,
#             whose PASS/FAIL lines per run are issue 8's targets) through 1 instance (the reference),
#             3 without the database and 3 sharing it. Then one table: answered/sent, upstream 429s
#             provoked, calls to cooled providers, client p50/p95, and PASS/FAIL per scenario: the 3
#             sharing provoke no more upstream 429s than the 1 alone.
#   cost      wrk through nginx to 3 instances over a canned nginx upstream (scripts/bench/wrk-lib.sh),
#             database off and on taking turns for BENCH_ROUNDS rounds of BENCH_SECONDS at 1 and 64
#             connections: p50 at 1 connection on - off (target <= +0.05 ms) and server CPU per
#             request summed over the 3 instances' /proc/PID/stat, on / off (target <= 1.1x at 64).
#             The provider has `rate_limit: {rpm: INSTANCES_COST_RPM}` (default 100000000, never
#             reached; every call is counted under a shared quota, the database's busiest path; 0: none).
#   killed    wrk at 16 connections through the 3 sharing instances for INSTANCES_KILL_SECONDS;
#             halfway PostgreSQL is stopped (pg_ctl -m immediate): answered/sent and PASS only with 0
#             client failures (non-2xx, socket errors, over wrk's 2 s timeout); then it is started
#             again and the time the instances take to rejoin is printed.
# Exits 0 whatever the figures say unless INSTANCES_STRICT=1. 127.0.0.1 only; about 4 minutes
# after the build, never more than INSTANCES_TIME_LIMIT (330 s); BENCH_QUICK=1 about 2 minutes.
#   scripts/bench-instances.sh                                   release build in .build
#   LLMROUTER_BIN=/path/to/llmrouter scripts/bench-instances.sh  no build, this binary
#   BENCH_QUICK=1 LLMROUTER_BIN=... scripts/bench-instances.sh   short smoke run
# Knobs: INSTANCES_PARTS ("freetier cost killed"), BENCH_ROUNDS (3), BENCH_SECONDS (5),
# INSTANCES_COST_RPM, INSTANCES_KILL_SECONDS (12), FREETIER_UPSTREAM_DELAY_MS (50),
# LLMROUTER_BUILD_CONFIGURATION, LLMROUTER_SCRATCH_PATH, INSTANCES_TIME_LIMIT, INSTANCES_STRICT.
source "$(dirname "$0")/lib.sh"
source "$ROOT/scripts/postgres-lib.sh"
source "$ROOT/scripts/bench/wrk-lib.sh"
source "$ROOT/scripts/bench/freetier-lib.sh"
QUICK=${BENCH_QUICK:-0}
PARTS=${INSTANCES_PARTS:-freetier cost killed}
if [ "$QUICK" = 1 ]; then
    ROUNDS=${BENCH_ROUNDS:-1} SECONDS_PER_RUN=${BENCH_SECONDS:-2} KILL_SECONDS=${INSTANCES_KILL_SECONDS:-6} SCENARIO_SCALE=2
else
    ROUNDS=${BENCH_ROUNDS:-3} SECONDS_PER_RUN=${BENCH_SECONDS:-5} KILL_SECONDS=${INSTANCES_KILL_SECONDS:-12} SCENARIO_SCALE=1
fi
COST_RPM=${INSTANCES_COST_RPM:-100000000}
KILL_REJOIN_SECONDS=${INSTANCES_REJOIN_SECONDS:-20}
CONFIGURATION=${LLMROUTER_BUILD_CONFIGURATION:-release}
SCRATCH=${LLMROUTER_SCRATCH_PATH:-.build}
[[ $SCRATCH = /* ]] || SCRATCH="$ROOT/$SCRATCH"
unset LLMROUTER_DATABASE_URL

if [ -n "${LLMROUTER_BIN:-}" ]; then
    BIN=$LLMROUTER_BIN
else
    (cd "$ROOT" && swift build -c "$CONFIGURATION" --scratch-path "$SCRATCH" --product llmrouter >&2)
    BIN="$SCRATCH/$CONFIGURATION/llmrouter"
fi
# Installing is not timed; the rest is: timeout(1) ends this script and everything it started
# (its own process group) after INSTANCES_TIME_LIMIT seconds.
if [ -z "${INSTANCES_BOUNDED:-}" ]; then
    need wrk wrk
    need nginx nginx
    pg_install
    INSTANCES_BOUNDED=1 LLMROUTER_BIN=$BIN exec timeout --kill-after=5 "${INSTANCES_TIME_LIMIT:-330}" "$0" "$@"
fi
WORK=$(mktemp -d)
PIDS=()
stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
trap 'stop_all; stop_children; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; pg_stop; rm -rf "$WORK"' EXIT
trap 'echo "bench-instances: stopped (time limit reached, or interrupted)" >&2; exit 143' TERM INT
STARTED=$(date +%s)
CHECKS_FAILED=0
pg_start 2>"$WORK/pg.log" || { cat "$WORK/pg.log" >&2; exit 1; }

# start_instances COUNT CONFIG [DATABASE_URL]: COUNT llmrouter processes over CONFIG on free ports,
# sharing state through DATABASE_URL when given (and waited for until connected); sets
# INSTANCE_PORTS and INSTANCE_PIDS.
start_instances() {
    local count=$1 config=$2 database=${3:-} port
    INSTANCE_PORTS=() INSTANCE_PIDS=()
    for _ in $(seq 1 "$count"); do
        port=$(free_port)
        env LLMROUTER_CONFIG="$config" LLMROUTER_HOST=127.0.0.1 PORT="$port" LLMROUTER_LOG_LEVEL=warning LLMROUTER_DB=off \
            LLMROUTER_DRAIN_TIMEOUT_SECONDS=2 ${database:+LLMROUTER_DATABASE_URL="$database"} "$BIN" >"$WORK/instance-$port.log" 2>&1 &
        PIDS+=("$!") INSTANCE_PIDS+=("$!") INSTANCE_PORTS+=("$port")
    done
    for port in "${INSTANCE_PORTS[@]}"; do
        wait_for_http "http://127.0.0.1:$port/health" 2>/dev/null && continue
        echo "   llmrouter did not start; its log:" && sed 's/^/   /' "$WORK/instance-$port.log" | head -20
        return 1
    done
    [ -z "$database" ] || wait_shared 1 150 "${INSTANCE_PORTS[@]}" ||
        { echo "   the instances did not connect to the database within 15 s"; return 1; }
}

shared_up() { curl -fsS "http://127.0.0.1:$1/metrics" 2>/dev/null | sed -n 's/^llmrouter_shared_state_up \([0-9]*\).*/\1/p'; }
# wait_shared VALUE TRIES PORT...: until every instance reports llmrouter_shared_state_up VALUE, TRIES x 0.1 s at most.
wait_shared() {
    local value=$1 tries=$2 port all
    shift 2
    for _ in $(seq 1 "$tries"); do
        all=1
        for port in "$@"; do [ "$(shared_up "$port")" = "$value" ] || { all=0; break; }; done
        [ "$all" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}

# start_balancer PORT...: nginx configured as deploy/nginx.conf, round-robin over the instances at
# these ports, on a free port of 127.0.0.1 (in the foreground, so in PIDS); sets BALANCER_PORT.
start_balancer() {
    BALANCER_PORT=$(free_port)
    local config="$WORK/balancer-$BALANCER_PORT.conf" servers="" port
    for port in "$@"; do servers+="server 127.0.0.1:$port;\\n\\1"; done
    {
        echo "daemon off; pid $WORK/balancer-$BALANCER_PORT.pid; error_log $WORK/balancer-$BALANCER_PORT.log warn;"
        sed -e '/^ *server llmrouter-[a-z]*:8000;$/d' -e "s|^\( *\)keepalive 32;|\1${servers}keepalive 32;|" \
            -e "s|listen 80;|listen 127.0.0.1:$BALANCER_PORT;|" \
            -e "s|^http {|http {\n    access_log off; client_body_temp_path $WORK; proxy_temp_path $WORK;|" "$ROOT/deploy/nginx.conf"
    } >"$config"
    if [ "$(grep -c 'server 127.0.0.1:' "$config")" != "$#" ] || ! grep -q "listen 127.0.0.1:$BALANCER_PORT;" "$config"; then
        echo "   deploy/nginx.conf no longer has the upstream servers and listen line this script replaces" >&2
        return 1
    fi
    nginx -c "$config" -e "$WORK/balancer-$BALANCER_PORT.log" &
    PIDS+=("$!")
    wait_for_http "http://127.0.0.1:$BALANCER_PORT/health" 2>/dev/null
}

# freetier_run SCENARIO SETUP TARGETS RATE SECONDS: fresh fakes, fresh instances (SETUP one, three
# or shared: 3 on a fresh database) and the paced load; the figures in $WORK/freetier-SCENARIO-SETUP.json.
freetier_run() {
    local scenario=$1 setup=$2 count=3 database="" label
    case $setup in
        one) label="1 instance" count=1 ;;
        three) label="3 instances, no database" ;;
        shared) label="3 instances, shared database" database=$(pg_database "freetier_${scenario// /_}") || return 1 ;;
    esac
    freetier_fakes 5/5
    freetier_providers >"$WORK/freetier.yaml"
    if start_instances "$count" "$WORK/freetier.yaml" "$database" && start_balancer "${INSTANCE_PORTS[@]}"; then
        # In the background and waited for, so a TERM from timeout(1) is handled at once.
        python3 "$ROOT/scripts/bench/freetier_scenario.py" --router "http://127.0.0.1:$BALANCER_PORT" \
            --title "$scenario, $label" --targets "$3" --rate "$4" --seconds "$5" "${FREETIER_FAKE_ARGS[@]}" \
            --summary "$WORK/freetier-$scenario-$setup.json" &
        PIDS+=("$!")
        wait "$!" || true
    fi
    stop_all
}

freetier_part() {
    local seconds=$((20 / SCENARIO_SCALE)) over_seconds=$((10 / SCENARIO_SCALE)) setup summaries=()
    echo
    echo "== part 1: free tiers, 1 instance vs 3 without and 3 with the database (fakes answer after ${FREETIER_DELAY_MS} ms)"
    for setup in one three shared; do freetier_run "inside capacity" "$setup" learning 2.4 "$seconds"; done
    for setup in one three shared; do freetier_run "over capacity" "$setup" over 6 "$over_seconds"; done
    for setup in one three shared; do
        summaries+=("inside capacity:$setup:$WORK/freetier-inside capacity-$setup.json" "over capacity:$setup:$WORK/freetier-over capacity-$setup.json")
    done
    python3 "$ROOT/scripts/bench/instances_report.py" freetier "${summaries[@]}" || CHECKS_FAILED=$((CHECKS_FAILED + 1))
}

# The cost and killed parts' servers, started once: the canned upstream, 3 instances without the
# database behind one nginx (OFF_*), 3 sharing a fresh database behind another (ON_*).
cost_servers() {
    [ -n "${ON_BALANCER:-}" ] && return 0
    canned_upstream
    local limit=""
    [ "$COST_RPM" = 0 ] || limit=", rate_limit: {rpm: $COST_RPM}"
    echo "providers:" >"$WORK/cost.yaml"
    echo "  - {name: canned, type: openai, base_url: \"http://127.0.0.1:$NGINX_PORT/v1\", model: bench-model$limit}" >>"$WORK/cost.yaml"
    start_instances 3 "$WORK/cost.yaml" && start_balancer "${INSTANCE_PORTS[@]}" || return 1
    OFF_PORTS=("${INSTANCE_PORTS[@]}") OFF_PIDS="${INSTANCE_PIDS[*]}" OFF_BALANCER=$BALANCER_PORT
    COST_DATABASE=$(pg_database cost) || return 1
    start_instances 3 "$WORK/cost.yaml" "$COST_DATABASE" && start_balancer "${INSTANCE_PORTS[@]}" || return 1
    ON_PORTS=("${INSTANCE_PORTS[@]}") ON_PIDS="${INSTANCE_PIDS[*]}" ON_BALANCER=$BALANCER_PORT
    echo "   3 instances without the database behind nginx :$OFF_BALANCER, 3 sharing it behind nginx :$ON_BALANCER;" \
        "upstream: nginx :$NGINX_PORT, canned answer${limit:+; provider$limit}"
}

# CPU ticks of the PostgreSQL cluster: the postmaster, its live children and those it has reaped.
pg_ticks() {
    python3 - "$PG_DIR/data/postmaster.pid" <<'PY'
import os, sys
main = int(open(sys.argv[1]).readline())
def fields(pid):  # /proc/PID/stat from field 3 (state) on: ppid [1], utime [11], stime [12], cutime [13], cstime [14]
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
total = sum(int(f[13]) + int(f[14]) for f in [fields(main)])
for entry in filter(str.isdigit, os.listdir("/proc")):
    f = fields(entry)
    if f and (int(entry) == main or int(f[1]) == main):
        total += int(f[11]) + int(f[12])
print(total)
PY
}

cost_part() {
    echo
    echo "== part 2: cost of the database, wrk through nginx to 3 instances, off and on taking turns" \
        "($ROUNDS rounds of $SECONDS_PER_RUN s at 1 and 64 connections)"
    cost_servers || { echo "   FAIL the servers did not start"; CHECKS_FAILED=$((CHECKS_FAILED + 1)); return; }
    local pg_before on_before round connections counters
    # shellcheck disable=SC2086 # a list of pids
    pg_before=$(pg_ticks) on_before=$(ticks $ON_PIDS)
    for round in $(seq 1 "$ROUNDS"); do
        echo "   round $round of $ROUNDS" >&2
        for connections in 1 64; do
            pair off "$OFF_BALANCER" "$OFF_PIDS" on "$ON_BALANCER" "$ON_PIDS" "$connections" "$round"
        done
    done
    # shellcheck disable=SC2086
    local pg_used=$(($(pg_ticks) - pg_before)) on_used=$(($(ticks $ON_PIDS) - on_before))
    counters=$(pg_as_owner "$(pg_bin)/psql" "$COST_DATABASE" -Atc \
        "SELECT count(*) || ' rows, ' || coalesce(sum(used), 0) || ' calls' FROM llmrouter_quota_counters" 2>&1 || echo "not read")
    python3 "$ROOT/scripts/bench/side_by_side.py" "3 instances behind nginx, database on vs off" off on "$ROUNDS" \
        "PostgreSQL's own CPU over the part: $((pg_used * 100 / (on_used > 0 ? on_used : 1)))% of the 3 sharing instances'; shared quota counters: $counters" \
        "${RESULT[off1]}" "${RESULT[on1]}" "${RESULT[off64]}" "${RESULT[on64]}"
}

killed_part() {
    echo
    echo "== part 3: the database killed halfway through $KILL_SECONDS s of wrk at 16 connections through the 3 sharing instances"
    cost_servers || { echo "   FAIL the servers did not start"; CHECKS_FAILED=$((CHECKS_FAILED + 1)); return; }
    local half=$((KILL_SECONDS / 2)) wrk_pid port states="" waited=0 warnings=0
    wrk -t2 -c16 -d"${KILL_SECONDS}s" --latency -s "$ROOT/scripts/bench/post.lua" \
        "http://127.0.0.1:$ON_BALANCER/v1/chat/completions" >"$WORK/killed.out" &
    wrk_pid=$!
    PIDS+=("$wrk_pid")
    sleep "$half"
    pg_server -m immediate -w stop >/dev/null
    echo "   PostgreSQL stopped (immediate) after $half s"
    wait_shared 0 30 "${ON_PORTS[@]}" || true
    for port in "${ON_PORTS[@]}"; do states+="$(shared_up "$port") "; done
    echo "   llmrouter_shared_state_up of the 3 during the outage: $states(0: serving on their own state)"
    wait "$wrk_pid" || true
    python3 "$ROOT/scripts/bench/instances_report.py" killed "$WORK/killed.out" || CHECKS_FAILED=$((CHECKS_FAILED + 1))
    for port in "${ON_PORTS[@]}"; do warnings=$((warnings + $(grep -c "shared state unavailable" "$WORK/instance-$port.log" || true))); done
    echo "   'shared state unavailable' warnings logged: $warnings (one per instance expected)"
    pg_server start
    local started=$(date +%s)
    wait_shared 1 $((KILL_REJOIN_SECONDS * 10)) "${ON_PORTS[@]}" &&
        echo "   PostgreSQL started again: all 3 report llmrouter_shared_state_up 1 after $(( $(date +%s) - started )) s" ||
        echo "   PostgreSQL started again: not all 3 back within $KILL_REJOIN_SECONDS s (postgres-nio reconnects with a backoff)"
}

echo "llmrouter: $BIN (checkout $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)); machine: $(nproc) cores;" \
    "load: $(uptime | sed 's/.*load average: //'); parts: $PARTS$([ "$QUICK" = 1 ] && echo ' (quick)')"
for part in $PARTS; do
    case $part in
        freetier) freetier_part ;;
        cost) cost_part ;;
        killed) killed_part ;;
        *) echo "INSTANCES_PARTS: freetier, cost or killed, got '$part'" >&2; exit 2 ;;
    esac
done

echo
echo "bench-instances: $(( $(date +%s) - STARTED )) s; checks failed: $CHECKS_FAILED; load: $(uptime | sed 's/.*load average: //')"
[ "${INSTANCES_STRICT:-0}" = 1 ] && [ "$CHECKS_FAILED" -gt 0 ] && exit 1
exit 0
