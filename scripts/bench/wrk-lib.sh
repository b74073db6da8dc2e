# wrk measurements shared by scripts/bench.sh and scripts/bench-instances.sh. Source it after
# scripts/lib.sh, with WORK (a temporary folder the caller removes) and SECONDS_PER_RUN set. It defines:
#   need COMMAND PACKAGE      installs PACKAGE (apt-get) when COMMAND is missing
#   canned_upstream           starts nginx (daemon, pid in $WORK/nginx.pid) answering POST
#                             /v1/chat/completions with scripts/bench/completion.json; sets NGINX_PORT
#   ticks PID...              CPU time the processes have used together, in clock ticks
#   run NAME PORT CONNECTIONS [PIDS] [PATH] [LUA]   one timed wrk run
#   pair KEY PORT PIDS OTHER_KEY OTHER_PORT OTHER_PIDS CONNECTIONS ROUND [LUA]   two servers in turn,
#                             their figures appended to RESULT[KEY$CONNECTIONS] and RESULT[OTHER_KEY$CONNECTIONS]

need() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "installing $2 (apt-get)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2") >/dev/null
}

canned_upstream() {
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
            return 200 '$(cat "$ROOT/scripts/bench/completion.json")';
        }
    }
}
NGINX
    nginx -c "$WORK/nginx.conf"
}

# CPU time used (user + system, /proc/PID/stat fields 14 and 15): unlike req/s it does not move
# with what the neighbours on the machine are doing.
ticks() {
    local pid total=0
    for pid in "$@"; do total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$total"
}

# run NAME PORT CONNECTIONS [PIDS] [PATH] [LUA]: prints "req/s p50_ms p99_ms", and with PIDS (one
# word, space-separated) the servers' CPU µs per request over the timed run as a fourth field.
# PATH and LUA default to chat completions.
run() {
    local port=$2 connections=$3 pids=${4:-} path=${5:-/v1/chat/completions} lua=${6:-post.lua} threads=1 before=0 after=0
    [ "$connections" -gt 1 ] && threads=2
    # A short warm-up so connection setup and first-call costs do not count.
    wrk -t1 -c"$connections" -d1s -s "$ROOT/scripts/bench/$lua" "http://127.0.0.1:$port$path" >/dev/null
    # shellcheck disable=SC2086 # PIDS is a list
    [ -n "$pids" ] && before=$(ticks $pids)
    wrk -t"$threads" -c"$connections" -d"${SECONDS_PER_RUN}s" --latency -s "$ROOT/scripts/bench/$lua" \
        "http://127.0.0.1:$port$path" >"$WORK/wrk.out"
    # shellcheck disable=SC2086
    [ -n "$pids" ] && after=$(ticks $pids)
    echo "ticks $((after - before))" >>"$WORK/wrk.out"
    python3 "$ROOT/scripts/bench/wrk_figures.py" "$WORK/wrk.out" "$(getconf CLK_TCK)"
}

declare -A RESULT
# Both in turn, in both orders over the rounds, so a drift in what the neighbours do hits both alike.
pair() {
    local connections=$7 round=$8 lua=${9:-post.lua}
    if [ $((round % 2)) = 1 ]; then
        RESULT[$1$connections]+="$(run "$1" "$2" "$connections" "$3" /v1/chat/completions "$lua");"
        RESULT[$4$connections]+="$(run "$4" "$5" "$connections" "$6" /v1/chat/completions "$lua");"
    else
        RESULT[$4$connections]+="$(run "$4" "$5" "$connections" "$6" /v1/chat/completions "$lua");"
        RESULT[$1$connections]+="$(run "$1" "$2" "$connections" "$3" /v1/chat/completions "$lua");"
    fi
}
