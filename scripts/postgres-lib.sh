# A throwaway PostgreSQL for the tests and the e2e scripts. Source it; it defines:
#   pg_install        installs Debian's PostgreSQL server when no initdb is found (without the
#                     package's default cluster)
#   pg_start          starts a cluster in a new temporary directory, on a free port of
#                     127.0.0.1, with a random password; sets PG_URL
#                     (postgres://llmrouter:…@127.0.0.1:PORT/llmrouter?sslmode=disable), PG_PORT,
#                     PG_DIR. PostgreSQL refuses to run as root: as root the cluster belongs to
#                     the `postgres` user the package creates.
#   pg_server ARG     runs `pg_ctl ARG` on the cluster as its owner: `stop`, `start` (to take the
#                     database away mid-test and bring it back on the same port)
#   pg_database NAME  creates another (empty) database NAME in the cluster and prints its address,
#                     PG_URL's with NAME in place of llmrouter (a fresh state per run of a benchmark)
#   pg_stop           stops the cluster and removes its directory; safe twice and from a trap
# Nothing else of the machine is touched: no service, no /var/lib/postgresql cluster.

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

pg_install() {
    pg_bin >/dev/null && return 0
    echo "installing Debian's PostgreSQL server" >&2
    # The package would create and start a cluster of its own on 5432; none is wanted.
    mkdir -p /etc/postgresql-common
    [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    pg_bin >/dev/null
}

# Runs a command as the cluster's owner: `postgres` when we are root, ourselves otherwise.
pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    local bin password
    bin=$(pg_bin) || { echo "no PostgreSQL server found; run pg_install" >&2; return 1; }
    PG_DIR=$(mktemp -d /tmp/llmrouter-pg.XXXXXX)
    # Whose cluster this is, for scripts/check-leftovers.sh should it outlive its script.
    (cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P) >"$PG_DIR/checkout"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
    PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
    printf '%s\n' "$password" >"$PG_DIR/pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR/pwfile"
    pg_as_owner "$bin/initdb" -D "$PG_DIR/data" -U llmrouter --pwfile="$PG_DIR/pwfile" \
        --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; return 1; }
    rm -f "$PG_DIR/pwfile"
    # Throwaway data: no fsync; the socket in the cluster's own directory, not /var/run.
    cat >>"$PG_DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
    pg_server start || return 1
    pg_as_owner "$bin/createdb" -h "$PG_DIR" -p "$PG_PORT" -U llmrouter llmrouter
    PG_URL="postgres://llmrouter:$password@127.0.0.1:$PG_PORT/llmrouter?sslmode=disable"
    export PG_URL PG_PORT PG_DIR
    echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (data in $PG_DIR)" >&2
}

pg_server() {
    local bin
    bin=$(pg_bin) || return 1
    case $1 in
        start) pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 start >/dev/null ||
            { tail -20 "$PG_DIR/server.log" >&2; return 1; } ;;
        stop) pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null ;;
        *) pg_as_owner "$bin/pg_ctl" -D "$PG_DIR/data" "$@" ;;
    esac
}

pg_database() {
    pg_as_owner "$(pg_bin)/createdb" -h "$PG_DIR" -p "$PG_PORT" -U llmrouter "$1" || return 1
    echo "${PG_URL%%/llmrouter\?*}/$1?${PG_URL#*\?}"
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ] || return 0
    [ -f "$PG_DIR/data/postmaster.pid" ] && pg_as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$PG_DIR"
    PG_DIR=
}
