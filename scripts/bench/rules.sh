# BENCH_ONLY=rules, sourced by scripts/bench.sh where it starts its servers: echo (n) and the same
# echo with 20 routing rules of which only the last matches (r: model globs, headers, time windows,
# prompt_tokens, needs: what a team writes), each started with serve(); bench.sh measures them in
# turn and prints server CPU per request for each and the difference, what evaluating the rules
# adds to a request (target: rules and classifier together ≤ 5 µs).

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
serve echo.yaml && PLAIN_PORT=$PORT PLAIN_PID=$PID
serve rules.yaml && RULES_PORT=$PORT RULES_PID=$PID
PORTS+=("$PLAIN_PORT" "$RULES_PORT")

# rules_decided: which rule decided rules.lua's request on (r) — the last one, or the figures
# measured something else.
rules_decided() {
    local rule
    rule=$(curl -s -D - -o /dev/null "http://127.0.0.1:$RULES_PORT/v1/chat/completions" -H 'X-Team: web' \
        -d '{"model":"bench-model","messages":[{"role":"user","content":"x"}]}' | awk -F': ' 'tolower($1) == "x-llmrouter-rule" {print $2}' | tr -d '\r')
    [ "$rule" = bench-default ] && echo "the last rule (bench-default) decided each request" || echo "WRONG: rule '$rule' decided, not the last one"
}
