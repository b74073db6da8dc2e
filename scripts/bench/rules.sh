# BENCH_ONLY=rules, sourced by scripts/bench.sh where it starts its servers: echo serving
# bench-model (n) and the same echo with 20 routing rules of which only the last matches (model
# globs, headers, time windows, prompt_tokens, needs: what a team writes) and `routing.auto` on
# (r), each started with serve(). rules.lua asks for `model: auto`: on (n), with no tiers, that is
# every route as before; on (r) the classifier picks a tier and its model. bench.sh measures them
# in turn and prints server CPU per request for each and the difference, what the rules and the
# classifier add to a request (target: together ≤ 5 µs).

# A window of the day that is not now, in ZONE: from two to three hours ahead, so a time rule is
# evaluated in full and does not match.
not_now() { echo "$(TZ=$1 date -d '+2 hours' +%H:00)-$(TZ=$1 date -d '+3 hours' +%H:00)"; }
cat >"$WORK/plain.yaml" <<YAML
providers:
  - {name: echo, type: echo, model: bench-model}
YAML
cat "$WORK/plain.yaml" - >"$WORK/rules.yaml" <<YAML
routing:
  auto: {simple: [bench-model], code: [bench-model], default: [bench-model]}
  rules:
    - {name: claude-to-70b, when: {model: "claude-*"}, then: {model: llama-3.3-70b}}
    - {name: gpt-to-groq, when: {model: ["gpt-4*", "o1-*", "o3-*"]}, then: {prefer: ["tag:groq"]}}
    - {name: big-models-gpu, when: {model: "*-70b*"}, then: {prefer: ["tag:gpu"]}}
    - {name: gemini-eu, when: {model: "gemini-*", endpoint: [chat, responses]}, then: {only: ["tag:eu"]}}
    - {name: embeddings-local, when: {endpoint: embeddings}, then: {only: [echo]}}
    - {name: gpu-team, when: {header: {X-Team: "gpu-*"}}, then: {only: ["tag:gpu"]}}
    - {name: batch-jobs, when: {header: {X-Priority: low}}, then: {policy: headroom, max_wait_seconds: 60}}
    - {name: curl-users, when: {header: {User-Agent: "curl/*"}}, then: {avoid: ["tag:paid"]}}
    - {name: tenant-acme, when: {header: {X-Tenant: "acme*", X-Team: web}}, then: {prefer: ["tag:eu"]}}
    - {name: interns, when: {key: [intern-1, intern-2, intern-3]}, then: {model: llama-3.1-8b}}
    - {name: business-hours-gpu, when: {time: {days: [mon, tue, wed, thu, fri, sat, sun], hours: "$(not_now Europe/Berlin)", zone: Europe/Berlin}}, then: {prefer: ["tag:gpu"]}}
    - {name: us-office, when: {time: {hours: "$(not_now America/New_York)", zone: America/New_York}}, then: {prefer: ["tag:fast"]}}
    - {name: night-batch, when: {time: {hours: "$(not_now UTC)", zone: UTC}}, then: {policy: round_robin}}
    - {name: tokyo-team, when: {time: {hours: "$(not_now Asia/Tokyo)", zone: Asia/Tokyo}, header: {X-Team: "web"}}, then: {prefer: ["tag:fast"]}}
    - {name: long-prompts, when: {prompt_tokens: {min: 8000}}, then: {prefer: ["tag:long"]}}
    - {name: huge-prompts, when: {prompt_tokens: {min: 100000}}, then: {deny: "Prompts over 100k tokens are not served."}}
    - {name: tools-capable, when: {needs: {tools: true}}, then: {prefer: ["tag:tools"]}}
    - {name: vision-capable, when: {needs: {vision: true}}, then: {only: ["tag:vision"]}}
    - {name: json-mode, when: {needs: {json: true}, model: "llama-*"}, then: {policy: least_latency}}
    - {name: bench-default, when: {model: ["bench-*", auto], endpoint: chat, prompt_tokens: {max: 4000}, header: {X-Team: web}}, then: {prefer: [echo]}}
YAML
serve plain.yaml && PLAIN_PORT=$PORT PLAIN_PID=$PID
serve rules.yaml && RULES_PORT=$PORT RULES_PID=$PID
PORTS+=("$PLAIN_PORT" "$RULES_PORT")

# rules_decided: which rule and auto tier decided rules.lua's request on (r) — the last rule and
# a tier, or the figures measured something else.
rules_decided() {
    local headers rule auto
    headers=$(curl -s -D - -o /dev/null "http://127.0.0.1:$RULES_PORT/v1/chat/completions" -A 'OpenAI/Python 1.99.0' -H 'X-Team: web' \
        -d '{"model":"auto","messages":[{"role":"user","content":"Say something short."}]}' | tr -d '\r')
    rule=$(awk -F': ' 'tolower($1) == "x-llmrouter-rule" {print $2}' <<<"$headers")
    auto=$(awk -F': ' 'tolower($1) == "x-llmrouter-auto" {print $2}' <<<"$headers")
    if [ "$rule" = bench-default ] && [ -n "$auto" ]; then echo "on (r) the last rule decided, auto said $auto"
    else echo "WRONG: rule '$rule', auto '$auto' (the last rule and an auto tier were expected)"; fi
}

# rules_profile: where the rules' cost lands inside (r), from a profile instead of the difference
# of two CPU totals that move by more than the rules cost: perf samples (r) under wrk at 64
# connections, and rules_profile.py prints the CPU per request of the rules, auto's choice and
# the headers they add. Needs perf (Debian's linux-perf); says so and skips without it.
rules_profile() {
    if ! command -v perf >/dev/null || ! command -v swift >/dev/null; then
        echo "rules profile skipped: needs perf (apt-get install linux-perf) and swift (to demangle)"
        return 0
    fi
    local data="$WORK/rules.perf" url="http://127.0.0.1:$RULES_PORT/v1/chat/completions" recorder requests samples
    wrk -t2 -c64 -d1s -s "$ROOT/scripts/bench/rules.lua" "$url" >/dev/null
    perf record -q -o "$data" -F 1999 -g -p "$RULES_PID" -- sleep "$SECONDS_PER_RUN" >/dev/null 2>&1 &
    recorder=$!
    wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" -s "$ROOT/scripts/bench/rules.lua" "$url" >"$WORK/profile.wrk"
    wait "$recorder" || true
    requests=$(awk '/requests in/ {print $1}' "$WORK/profile.wrk")
    samples=$(perf report -i "$data" --stdio -g none --sort pid -n 2>/dev/null | awk '!/^#/ && NF {sum += $3} END {print sum + 0}')
    perf report -i "$data" --children --sort sym -g none --stdio 2>/dev/null | swift demangle --simplified |
        python3 "$ROOT/scripts/bench/rules_profile.py" "$requests" "$samples" 1999
}

# rules_paced: the whole difference again, measured so that machine-wide swings cancel out: both
# servers at once, each under wrk at 32 connections that wait 10 ms between requests, so each
# serves the same steady rate (about 2,000 req/s here) instead of as much as it can. Taking turns
# at full speed, one server's CPU per request moves by a quarter between rounds, and a server
# that serves fewer requests pays more per request. The server started second has measured up to
# 2 µs more than the first, so the rounds run in both orders: the pair above (n started first),
# then a new pair with (r) started first. Last, the two plain servers against each other (A/A):
# what the method reads where there is no difference. The verdict is the median over both orders.
rules_paced() {
    echo "  n started first:"
    paced_rounds n "$PLAIN_PORT" "$PLAIN_PID" r "$RULES_PORT" "$RULES_PID"
    local plain_first=("${PACED[@]}")
    serve rules.yaml && local rules_port=$PORT rules_pid=$PID
    serve plain.yaml && local plain_port=$PORT plain_pid=$PID
    wait_for_http "http://127.0.0.1:$rules_port/health" && wait_for_http "http://127.0.0.1:$plain_port/health"
    echo "  r started first:"
    paced_rounds n "$plain_port" "$plain_pid" r "$rules_port" "$rules_pid"
    local rules_first=("${PACED[@]}")
    echo "  A/A, the two plain servers (n2 started last):"
    paced_rounds n "$PLAIN_PORT" "$PLAIN_PID" n2 "$plain_port" "$plain_pid"
    local control=("${PACED[@]}")
    kill "$rules_pid" "$plain_pid" && wait "$rules_pid" "$plain_pid" 2>/dev/null || true
    python3 -c "import statistics, sys
split = sys.argv.index('--')
first, second = sys.argv[1:split], sys.argv[split + 1:-1]
control = sys.argv[-1].split()
median = statistics.median(float(v) for v in first + second)
verdict = 'met' if median <= 5 else 'not met'
print(f'  median r - n: {median:+.1f} µs a request over both orders (n first {statistics.median(float(v) for v in first):+.1f}, '
      f'r first {statistics.median(float(v) for v in second):+.1f}; A/A n2 - n {statistics.median(float(v) for v in control):+.1f}) (target <= 5 µs: {verdict})')" \
        "${plain_first[@]}" -- "${rules_first[@]}" "${control[*]}"
}

# paced_rounds A PORT PID B PORT PID: ROUNDS rounds of A and B side by side at the steady rate;
# prints each round and leaves each round's B - A (µs CPU a request) in PACED.
paced_rounds() {
    local a=$1 a_port=$2 a_pid=$3 b=$4 b_port=$5 b_pid=$6 round lua="$WORK/rules-paced.lua"
    { cat "$ROOT/scripts/bench/rules.lua"; echo 'function delay() return 10 end'; } >"$lua"
    PACED=()
    for round in $(seq 1 "$ROUNDS"); do
        local a0 b0 a1 b1 a_wrk b_wrk a_requests b_requests line
        a0=$(ticks "$a_pid") b0=$(ticks "$b_pid")
        wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s "$lua" "http://127.0.0.1:$a_port/v1/chat/completions" >"$WORK/paced-a.out" &
        a_wrk=$!
        wrk -t1 -c32 -d"${SECONDS_PER_RUN}s" -s "$lua" "http://127.0.0.1:$b_port/v1/chat/completions" >"$WORK/paced-b.out" &
        b_wrk=$!
        wait "$a_wrk" "$b_wrk"
        a1=$(ticks "$a_pid") b1=$(ticks "$b_pid")
        a_requests=$(awk '/requests in/ {print $1}' "$WORK/paced-a.out")
        b_requests=$(awk '/requests in/ {print $1}' "$WORK/paced-b.out")
        line=$(awk -v hz="$(getconf CLK_TCK)" -v a_ticks=$((a1 - a0)) -v b_ticks=$((b1 - b0)) -v a_requests="$a_requests" \
            -v b_requests="$b_requests" -v round="$round" -v a="$a" -v b="$b" 'BEGIN {
                x = a_ticks / hz * 1e6 / a_requests; y = b_ticks / hz * 1e6 / b_requests
                printf "%+.1f round %d: %s %.1f µs (%d requests), %s %.1f µs (%d requests), %s - %s %+.1f µs\n", y - x, round, a, x, a_requests, b, y, b_requests, b, a, y - x
            }')
        PACED+=("${line%% *}")
        echo "    ${line#* }"
    done
}

# rules_allocations: heap allocations per request on (n) and (r), counted by a shim preloaded
# into two more servers (scripts/bench/count_allocations.c). Unlike CPU time these are the same
# in every run: a change that allocates on the request path shows at once. Needs a C compiler
# and glibc; says so and skips without them.
rules_allocations() {
    local shim="$WORK/count_allocations.so" config counts url requests before after line plain_line
    if ! command -v cc >/dev/null || ! cc -O2 -shared -fPIC -o "$shim" "$ROOT/scripts/bench/count_allocations.c" 2>/dev/null; then
        echo "allocations skipped: needs a C compiler (cc) and glibc"
        return 0
    fi
    echo "heap allocations per request (wrk, 8 connections, ${SECONDS_PER_RUN} s):"
    for config in plain rules; do
        counts="$WORK/$config.allocations"
        serve "$config.yaml" LD_PRELOAD="$shim" COUNT_ALLOCATIONS_FILE="$counts"
        url="http://127.0.0.1:$PORT/v1/chat/completions"
        for _ in $(seq 1 100); do curl -s -o /dev/null "$url" -d '{"messages":[{"role":"user","content":"x"}]}' && break; sleep 0.1; done
        wrk -t1 -c8 -d1s -s "$ROOT/scripts/bench/rules.lua" "$url" >/dev/null
        kill -USR2 "$PID" && sleep 0.2 && before=$(cat "$counts")
        wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" -s "$ROOT/scripts/bench/rules.lua" "$url" >"$WORK/allocations.wrk"
        kill -USR2 "$PID" && sleep 0.2 && after=$(cat "$counts")
        kill "$PID" && wait "$PID" 2>/dev/null
        requests=$(awk '/requests in/ {print $1}' "$WORK/allocations.wrk")
        line=$(awk -v before="$before" -v after="$after" -v requests="$requests" 'BEGIN {
            split(before, b, " "); split(after, a, " ")
            printf "%.2f %.0f", (a[1] - b[1]) / requests, (a[2] - b[2]) / requests
        }')
        echo "  $([ "$config" = plain ] && echo "n" || echo "r"): ${line% *} allocations, ${line#* } bytes asked for ($requests requests)"
        [ "$config" = plain ] && plain_line=$line
    done
    awk -v n="$plain_line" -v r="$line" 'BEGIN { split(n, a, " "); split(r, b, " ")
        printf "  r - n: %+.2f allocations, %+.0f bytes a request\n", b[1] - a[1], b[2] - a[2] }'
}
