#!/usr/bin/env bash
# Runs the Dockerfile's build and start commands without Docker (no engine on these machines):
# the image's layout under a scratch /app, its ENV, ENTRYPOINT + CMD, and its HEALTHCHECK
# command, read from the Dockerfile itself so the two cannot drift apart.
#
# By default the debug binary stands in for the release build (CI builds it anyway); set
# CONTAINER_RELEASE_BUILD=1 to run the Dockerfile's own `swift build -c release
# --static-swift-stdlib` (several minutes).
source "$(dirname "$0")/lib.sh"
WORK=$(mktemp -d)
trap 'stop_children; rm -rf "$WORK"' EXIT

# The Dockerfile's instructions, continuation lines joined: "INSTRUCTION<TAB>arguments".
python3 - "$ROOT/Dockerfile" >"$WORK/instructions" <<'PY'
import sys
lines, current = [], ""
for raw in open(sys.argv[1]):
    line = raw.rstrip("\n")
    if not current and (not line.strip() or line.lstrip().startswith("#")):
        continue
    if line.endswith("\\"):
        current += line[:-1] + " "
        continue
    current += line
    word, _, rest = current.strip().partition(" ")
    print(f"{word.upper()}\t{' '.join(rest.split())}")
    current = ""
PY
instruction() { awk -F '\t' -v name="$1" '$1 == name { print $2 }' "$WORK/instructions"; }

echo "== build command"
BUILD=$(instruction RUN | grep -o 'swift build -c release[^&]*' | head -1 | sed 's/ *$//')
echo "Dockerfile builds with: $BUILD"
check "release build links the Swift runtime statically" grep -q -- "--static-swift-stdlib" <<<"$BUILD"
check "build names the llmrouter product" grep -q -- "--product llmrouter" <<<"$BUILD"
TOOLCHAIN=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
check "this toolchain has the static Swift runtime" test -f "$TOOLCHAIN/lib/swift_static/linux/static-stdlib-args.lnk"
if [ "${CONTAINER_RELEASE_BUILD:-0}" = 1 ]; then
    (cd "$ROOT" && $BUILD --scratch-path "$ROOT/.build-container")
    BIN="$ROOT/.build-container/release/llmrouter"
    check "static build has no libswiftCore dependency" bash -c "! ldd '$BIN' | grep -q libswiftCore"
else
    BIN=$(llmrouter_bin)
    echo "(using $BIN in place of the release build; CONTAINER_RELEASE_BUILD=1 runs the real one)"
fi

echo "== image layout"
APP="$WORK/app"
mkdir -p "$APP/config" "$APP/data" "$APP/generated"
cp "$BIN" "$APP/llmrouter"
cp "$TOOLCHAIN/libexec/swift/linux/swift-backtrace-static" "$APP/" 2>/dev/null || true
for copied in $(instruction COPY | grep -v -- '--from' | grep -E 'generated/|config/' | sed -E 's/ \.\/[^ ]*$//'); do
    mkdir -p "$(dirname "$APP/$copied")"
    cp "$ROOT/$copied" "$APP/$copied"
    echo "copied $copied"
done
check "the bundled catalog is in the image" test -s "$APP/generated/model_index.json"
check "WORKDIR of the runtime stage is /app" test "$(instruction WORKDIR | tail -1)" = /app
check "runs as a non-root user" grep -qE '^[a-z]+:[a-z]+$' <<<"$(instruction USER)"
check "volumes for config and data" grep -q '"/app/config", "/app/data"' <<<"$(instruction VOLUME)"
check "EXPOSE 8000" test "$(instruction EXPOSE)" = 8000

echo "== start command"
# The image's paths under /app point into the scratch /app here.
ENVIRONMENT=$(instruction ENV | tr ' ' '\n' | grep '=' | sed "s|=/app/|=$APP/|")
echo "ENV: $(tr '\n' ' ' <<<"$ENVIRONMENT")"
check "ENV PORT matches EXPOSE" grep -qx "PORT=8000" <<<"$ENVIRONMENT"
ENTRYPOINT=$(instruction ENTRYPOINT | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
COMMAND=$(instruction CMD | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)))')
echo "starts: $ENTRYPOINT $COMMAND (in /app, PORT moved to a free port for this run)"
PORT=$(free_port)
# A container's environment: the image's ENV and nothing from this shell.
# shellcheck disable=SC2086
(cd "$APP" && exec env -i PATH=/usr/bin:/bin HOME="$APP" $ENVIRONMENT PORT="$PORT" $ENTRYPOINT $COMMAND) >"$WORK/server.log" 2>&1 &
PID=$!
wait_for_http "http://127.0.0.1:$PORT/health"
check "serves /health" bash -c "curl -fsS http://127.0.0.1:$PORT/health | grep -q '\"status\":\"ok\"'"
check "serves /v1/models" bash -c "curl -fsS http://127.0.0.1:$PORT/v1/models | grep -q '\"object\":\"list\"'"
check "warns that it listens beyond loopback without keys" grep -q "without access keys" "$WORK/server.log"

echo "== health check command"
HEALTHCHECK=$(instruction HEALTHCHECK | sed 's/.*CMD //')
echo "HEALTHCHECK: $HEALTHCHECK"
# shellcheck disable=SC2086
healthcheck() { env -i PATH=/usr/bin:/bin $ENVIRONMENT PORT="$PORT" sh -c "$HEALTHCHECK" >/dev/null 2>&1; }
fails() { ! "$@"; }
check "health check passes while serving" healthcheck

echo "== docker stop (SIGTERM)"
kill -TERM "$PID"
wait "$PID" && STATUS=0 || STATUS=$?
check "exits 0 after draining" test "$STATUS" -eq 0
check "logs the drain's end" grep -q "drain finished" "$WORK/server.log"
check "health check fails once stopped" fails healthcheck

echo "== docker-compose.yml"
COMPOSE="$ROOT/docker-compose.yml"
check "compose publishes port 8000" grep -q '"127.0.0.1:8000:8000"' "$COMPOSE"
check "compose mounts config" grep -q '/app/config' "$COMPOSE"
check "compose keeps data in a volume" grep -q 'llmrouter-data:/app/data' "$COMPOSE"
check "compose waits longer than the drain" grep -q 'stop_grace_period' "$COMPOSE"

finish
