# The rate-limited fake providers of scripts/bench-freetier.sh, shared with scripts/bench-instances.sh.
# Source it after scripts/lib.sh; the caller keeps a PIDS array of what to stop at its end. It defines:
#   freetier_fakes LIMIT/WINDOW  starts three fakes (scripts/e2e/fake_upstream.py) on 127.0.0.1 serving
#                                one model, in the Groq, OpenRouter and Cerebras rate-limit dialects,
#                                each allowing LIMIT calls per WINDOW seconds per API key and answering
#                                after FREETIER_DELAY_MS; sets FREETIER_GROQ, FREETIER_OPENROUTER,
#                                FREETIER_CEREBRAS (their ports) and FREETIER_FAKE_ARGS (the --fake
#                                NAME=PORT arguments of scripts/bench/freetier_scenario.py)
#   freetier_providers [EXTRA]   prints the providers file serving free-model from them at priorities
#                                1, 2, 3; EXTRA is appended to each entry (", rate_limit: {rpm: 20}")
# Knobs: FREETIER_CEREBRAS_TYPE (provider type of the Cerebras-style fake, default openai),
# FREETIER_UPSTREAM_DELAY_MS (each fake's answer time, default 50).
FREETIER_CEREBRAS_TYPE=${FREETIER_CEREBRAS_TYPE:-openai}
FREETIER_DELAY_MS=${FREETIER_UPSTREAM_DELAY_MS:-50}
# Every router started over these fakes uses the same keys: one caller, one window per fake.
export GROQ_API_KEY=fake-groq-key OPENROUTER_API_KEY=fake-openrouter-key FREETIER_CEREBRAS_KEY=fake-cerebras-key
unset GROQ_BASE_URL OPENROUTER_BASE_URL

# freetier_fake NAME DIALECT LIMIT/WINDOW: one fake; sets FAKE_PORT, remembers its pid.
freetier_fake() {
    start_fake "$1" --dialect "$2" --rate-limit "$3" --delay-ms "$FREETIER_DELAY_MS"
    PIDS+=("$!")
}

freetier_fakes() {
    freetier_fake groq-style groq "$1"
    FREETIER_GROQ=$FAKE_PORT
    freetier_fake openrouter-style openrouter "$1"
    FREETIER_OPENROUTER=$FAKE_PORT
    freetier_fake cerebras-style cerebras "$1"
    FREETIER_CEREBRAS=$FAKE_PORT
    FREETIER_FAKE_ARGS=(--fake "groq-style=$FREETIER_GROQ" --fake "openrouter-style=$FREETIER_OPENROUTER"
        --fake "cerebras-style=$FREETIER_CEREBRAS")
}

# freetier_provider NAME TYPE PRIORITY PORT EXTRA: one YAML providers entry serving free-model.
freetier_provider() {
    echo "  - {name: $1, type: $2, priority: $3, base_url: \"http://127.0.0.1:$4/v1\", model: upstream-model, canonical_model: free-model$5}"
}

freetier_providers() {
    local extra=${1:-}
    echo "providers:"
    freetier_provider groq-style groq 1 "$FREETIER_GROQ" "$extra"
    freetier_provider openrouter-style openrouter 2 "$FREETIER_OPENROUTER" "$extra"
    freetier_provider cerebras-style "$FREETIER_CEREBRAS_TYPE" 3 "$FREETIER_CEREBRAS" ", api_key_env: FREETIER_CEREBRAS_KEY$extra"
}
