# BENCH_ONLY=rules, sourced by scripts/bench.sh after its servers and run() are up: the echo
# server (a) against the same server with 20 routing rules, of which only the last matches
# (model globs, headers, time windows, prompt_tokens, needs: what a team writes), taking turns in
# both orders over the rounds. Prints server CPU per request for each and the difference: what
# evaluating the rules adds to a request (target: rules and classifier together ≤ 5 µs).

# A window of the day that is not now, in ZONE: from two to three hours ahead, so a time rule is
# evaluated in full and does not match.
not_now() { echo "$(TZ=$1 date -d '+2 hours' +%H:00)-$(TZ=$1 date -d '+3 hours' +%H:00)"; }
cat "$WORK/echo.yaml" - >"$WORK/rules.yaml" <<YAML
routing:
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
    - {name: bench-default, when: {model: "bench-*", endpoint: chat, prompt_tokens: {max: 4000}, header: {X-Team: web}}, then: {prefer: [echo]}}
YAML
RULES_PORT=$(free_port)
LLMROUTER_DB=off "$BIN" --config "$WORK/rules.yaml" --port "$RULES_PORT" --log-level error &
RULES_PID=$!
for _ in $(seq 1 100); do curl -s -o /dev/null -X POST "http://127.0.0.1:$RULES_PORT/v1/chat/completions" -d '{"messages":[{"role":"user","content":"x"}]}' && break; sleep 0.1; done
MATCHED=$(curl -s -D - -o /dev/null "http://127.0.0.1:$RULES_PORT/v1/chat/completions" -H 'X-Team: web' \
    -d '{"model":"bench-model","messages":[{"role":"user","content":"x"}]}' | awk -F': ' 'tolower($1) == "x-llmrouter-rule" {print $2}' | tr -d '\r')
[ "$MATCHED" = bench-default ] || { echo "the last rule should decide, X-LLMRouter-Rule was '$MATCHED'" >&2; exit 1; }

declare -A RULES_RESULT
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round of $ROUNDS (rules)" >&2
    for connections in 1 64; do
        if [ $((round % 2)) = 1 ]; then
            plain="$(run a "$ECHO_PORT" "$connections" "$ECHO_PID" /v1/chat/completions rules.lua)"
            ruled="$(run r "$RULES_PORT" "$connections" "$RULES_PID" /v1/chat/completions rules.lua)"
        else
            ruled="$(run r "$RULES_PORT" "$connections" "$RULES_PID" /v1/chat/completions rules.lua)"
            plain="$(run a "$ECHO_PORT" "$connections" "$ECHO_PID" /v1/chat/completions rules.lua)"
        fi
        RULES_RESULT[plain$connections]+="$plain;"
        RULES_RESULT[ruled$connections]+="$ruled;"
    done
done

python3 - "$CONFIGURATION" "$SECONDS_PER_RUN x $ROUNDS" "$(uptime)" \
    "${RULES_RESULT[plain1]}" "${RULES_RESULT[ruled1]}" "${RULES_RESULT[plain64]}" "${RULES_RESULT[ruled64]}" <<'PY'
import statistics, sys
configuration, seconds, load = sys.argv[1:4]
plain1, ruled1, plain64, ruled64 = ([tuple(map(float, run.split())) for run in value.split(";") if run] for value in sys.argv[4:8])
median = statistics.median
listed = lambda values, form: ", ".join(form.format(value) for value in values)
print(f"\nrouting rules: echo server with 20 rules (the last one matching) vs none; build {configuration}; "
      f"{seconds} s runs (wrk), medians\nload: {load.strip()}")
print(f"  {'':22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'µs CPU/request':>15}")
for label, plain, ruled in (("1 connection", plain1, ruled1), ("64 connections", plain64, ruled64)):
    for state, runs in (("no rules", plain), ("20 rules", ruled)):
        rps, p50, p99, cpu = (median(column) for column in zip(*runs))
        print(f"  {label + ', ' + state:22} {rps:9.0f} {p50:8.3f} {p99:8.3f} {cpu:15.1f}")
# Each round runs both back to back: the median of the rounds' differences cancels most of what
# the neighbours add to both.
for label, plain, ruled in (("1 connection", plain1, ruled1), ("64 connections", plain64, ruled64)):
    gaps = [r[3] - p[3] for p, r in zip(plain, ruled)]
    ratios = [r[3] / p[3] for p, r in zip(plain, ruled)]
    print(f"server CPU per request, 20 rules - none, {label}: {median(gaps):+.1f} µs ({median(ratios):.3f}x; "
          f"rounds {listed(gaps, '{:+.1f}')}) (target: rules and classifier together <= +5 µs)")
PY
