# Shared helpers for the end-to-end scripts. Source it; it defines:
#   free_port            prints a free TCP port on 127.0.0.1
#   wait_for_http URL    waits (≤ 30 s) until URL answers
#   check NAME COND...   runs COND, prints "ok NAME" or "FAIL NAME" and counts failures
#   finish               prints the 'N passed, N failed' line and exits non-zero on failures
#   llmrouter_bin        path of the built llmrouter binary (builds it when missing, under
#                        LLMROUTER_SCRATCH_PATH, default .build; LLMROUTER_BIN overrides)
#   stop_children        stops every process the script started, children of children too
#                        (the EXIT trap's first step: trap 'stop_children; rm -rf "$WORK"' EXIT)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PASSED=0
FAILED=0

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_http() {
    local url=$1
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "timed out waiting for $url" >&2
    return 1
}

check() {
    local name=$1
    shift
    if "$@"; then
        echo "ok   $name"
        PASSED=$((PASSED + 1))
    else
        echo "FAIL $name"
        FAILED=$((FAILED + 1))
    fi
}

finish() {
    echo "$(basename "$0"): $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

llmrouter_bin() {
    if [ -n "${LLMROUTER_BIN:-}" ]; then
        echo "$LLMROUTER_BIN"
        return
    fi
    local configuration=${LLMROUTER_BUILD_CONFIGURATION:-debug}
    local scratch=${LLMROUTER_SCRATCH_PATH:-.build}
    local bin="$ROOT/$scratch/$configuration/llmrouter"
    if [ ! -x "$bin" ]; then
        (cd "$ROOT" && swift build -c "$configuration" --scratch-path "$scratch" --product llmrouter >&2)
    fi
    echo "$bin"
}

# stop_children: SIGTERM to every descendant of this script, SIGKILL to what is left after 5 s
# (a router draining a stream would take 30), then waits (≤ 2 s) until all are gone, so nothing
# outlives the script. The whole tree, listed before anything is signalled: `kill $(jobs -p)`
# reaches only the jobs themselves, and a job that is a subshell (`function &`, `( ... ) &`) or
# a wrapper (`timeout`, `env` without exec) would leave its child running.
# (A bare `$(pgrep ...)`: bash execs it in place, so the substitution's own subshell is not
# listed as a child; an empty list does not trip set -e.)
stop_children() {
    local pids=() queue=("$$") parent child tick
    while [ ${#queue[@]} -gt 0 ]; do
        parent=${queue[0]}
        queue=("${queue[@]:1}")
        for child in $(pgrep -P "$parent"); do
            pids+=("$child")
            queue+=("$child")
        done
    done
    [ ${#pids[@]} -gt 0 ] || return 0
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for tick in $(seq 1 70); do
        [ -n "$(running "${pids[@]}")" ] || return 0
        [ "$tick" -ne 50 ] || kill -KILL "${pids[@]}" 2>/dev/null || true
        sleep 0.1
    done
    echo "$(basename "$0"): still running after SIGKILL:" >&2
    running "${pids[@]}" >&2
}

# running PID...: prints those of the processes that are alive (a zombie is not).
running() {
    ps -o pid=,stat=,args= -p "$(IFS=,; echo "$*")" | awk '$2 !~ /^Z/' || true
}

# start_fake NAME ARGS...: starts scripts/e2e/fake_upstream.py in the background and sets
# FAKE_PORT to its port; stop_children stops it.
start_fake() {
    local name=$1
    shift
    local port_file
    port_file=$(mktemp -u)
    python3 "$ROOT/scripts/e2e/fake_upstream.py" --name "$name" --port-file "$port_file" "$@" 2>/dev/null &
    for _ in $(seq 1 100); do
        [ -s "$port_file" ] && break
        sleep 0.05
    done
    FAKE_PORT=$(cat "$port_file")
    rm -f "$port_file"
}

# failover_providers FAILING_PORT HEALTHY_PORT: the YAML entries of the SDK scripts' two chat
# routes for e2e-model, a Groq-style one that always fails first and an OpenAI-style healthy one
# after it (the caller writes more lines of the last one after it).
failover_providers() {
    cat <<YAML
  - name: failing-groq
    type: groq
    priority: 1
    base_url: http://127.0.0.1:$1/openai/v1
    api_key_env: E2E_FAILING_KEY
    model: failing-upstream-id
    canonical_model: e2e-model
    circuit_breaker: {failure_threshold: 1000}
  - name: healthy-openai
    type: openai
    priority: 2
    base_url: http://127.0.0.1:$2/v1
    api_key_env: E2E_HEALTHY_KEY
    model: healthy-upstream-id
    canonical_model: e2e-model
YAML
}

# python_venv: prints the python of a venv under .build-venv with the given pip packages.
python_venv() {
    local venv="$ROOT/.build-venv"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv" >&2
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@" >&2
    echo "$venv/bin/python"
}
