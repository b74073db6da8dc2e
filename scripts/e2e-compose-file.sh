#!/usr/bin/env bash
# Checks docker-compose.yml and deploy/nginx.conf without Docker (no engine on these machines):
# the YAML parses (python3 yaml, anchors and merge keys resolved as compose resolves them), the
# single instance is unchanged, and the "shared" profile has PostgreSQL, two instances on the
# same database and nginx in front of exactly those two. `nginx -t` runs when nginx is installed.
source "$(dirname "$0")/lib.sh"
python3 -c 'import yaml' 2>/dev/null || { apt-get install -y python3-yaml >/dev/null 2>&1 || pip3 install -q pyyaml; }

compose_check() {
    python3 - "$ROOT/docker-compose.yml" "$ROOT/deploy/nginx.conf" "$1" <<'PY'
import re, sys, yaml
compose = yaml.safe_load(open(sys.argv[1]))
nginx = open(sys.argv[2]).read()
services = compose["services"]
shared = ["postgres", "llmrouter-a", "llmrouter-b", "nginx"]
def env(name): return services[name].get("environment", {})
checks = {
    "single": lambda: "profiles" not in services["llmrouter"] and "127.0.0.1:8000:8000" in services["llmrouter"]["ports"],
    "profile": lambda: all(services[name].get("profiles") == ["shared"] for name in shared),
    "database": lambda: env("llmrouter-a")["LLMROUTER_DATABASE_URL"] == env("llmrouter-b")["LLMROUTER_DATABASE_URL"]
        and "@postgres:5432/" in env("llmrouter-a")["LLMROUTER_DATABASE_URL"]
        and services["llmrouter-a"]["depends_on"]["postgres"]["condition"] == "service_healthy"
        and "healthcheck" in services["postgres"],
    "volumes": lambda: services["llmrouter-a"]["volumes"] != services["llmrouter-b"]["volumes"]
        and all(volume.split(":")[0] in compose["volumes"] for name in services for volume in services[name].get("volumes", []) if not volume.startswith(".")),
    "nginx": lambda: sorted(re.findall(r"server\s+([\w-]+):8000;", nginx)) == ["llmrouter-a", "llmrouter-b"]
        and "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
        and sorted(services["nginx"]["depends_on"]) == ["llmrouter-a", "llmrouter-b"]
        and services["nginx"]["ports"] == ["127.0.0.1:8080:80"],
    "streaming": lambda: "proxy_buffering off;" in nginx and "proxy_next_upstream error;" in nginx,
}
sys.exit(0 if checks[sys.argv[3]]() else 1)
PY
}

echo "== docker-compose.yml (parsed with python3 yaml; Docker is not run)"
check "the YAML parses" python3 -c "import yaml,sys; yaml.safe_load(open(sys.argv[1]))" "$ROOT/docker-compose.yml"
check "the single instance is unchanged (no profile, port 8000)" compose_check single
check "postgres, two instances and nginx in profile 'shared'" compose_check profile
check "both instances name the same database, after it is healthy" compose_check database
check "each instance keeps its own data volume; every named volume is declared" compose_check volumes
check "nginx serves 127.0.0.1:8080 over exactly the two instances" compose_check nginx
check "nginx streams and never resends a POST that reached an instance" compose_check streaming
if command -v nginx >/dev/null; then
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    # The upstream names resolve only inside compose's network: checked against loopback.
    sed 's/llmrouter-[ab]:8000/127.0.0.1:8000/' "$ROOT/deploy/nginx.conf" >"$WORK/nginx.conf"
    check "nginx -t accepts the configuration" nginx -t -q -c "$WORK/nginx.conf" -p "$WORK"
else
    echo "(nginx not installed: its configuration is checked by pattern only)"
fi
finish
