#!/usr/bin/env bash
# check-leftovers.sh [SESSION]: lists the processes an end-to-end script left running and exits 1
# when there is any. Two nets, both limited to this run and this checkout, so that runs of other
# checkouts on the same machine are never counted:
#   - every process still in session SESSION: .ci/run starts each script with setsid, so what the
#     script started shares its session wherever its cwd is and whatever `env -i` cleared;
#   - every llmrouter, fake upstream, nginx or postgres whose cwd, executable or arguments lie
#     under this checkout (what left the session, e.g. by daemonizing), and the server of a
#     cluster scripts/postgres-lib.sh started for this checkout (it names it in PG_DIR/checkout).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd -P)"
SESSION=${1:-}
# Our own session would hold the caller itself: no session net then.
[ "$SESSION" != "$(ps -o sid= -p $$ | tr -d ' ')" ] || { echo "check-leftovers.sh: $SESSION is the caller's own session" >&2; SESSION=; }

under_root() { [ "$1" = "$ROOT" ] || [ "${1#"$ROOT"/}" != "$1" ]; }

ours() { # ours PID SID COMM: whether the process belongs to this run or this checkout
    local pid=$1 sid=$2 comm=$3 args
    [ -n "$SESSION" ] && [ "$sid" = "$SESSION" ] && return 0
    args=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
    case "$comm $args" in
        llmrouter*|nginx*|postgres*|*fake_upstream*) ;;
        *) return 1 ;;
    esac
    local cwd
    cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null) || cwd=
    under_root "$cwd" && return 0
    [ -n "$cwd" ] && [ "$(cat "$(dirname "$cwd")/checkout" 2>/dev/null)" = "$ROOT" ] && return 0
    under_root "$(readlink "/proc/$pid/exe" 2>/dev/null)" && return 0
    case " $args" in *" $ROOT/"*) return 0 ;; esac
    return 1
}

LEFT=0
while read -r pid sid stat comm; do
    [ "$pid" = "$$" ] || [ "${stat#Z}" != "$stat" ] && continue
    ours "$pid" "$sid" "$comm" || continue
    [ "$LEFT" -gt 0 ] || echo "processes left running (pid, session, cwd, command):" >&2
    printf '  %s  %s  %s  %s\n' "$pid" "$sid" "$(readlink "/proc/$pid/cwd" 2>/dev/null)" \
        "$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-200)" >&2
    LEFT=$((LEFT + 1))
done < <(ps -e -o pid=,sid=,stat=,comm=)
[ "$LEFT" -eq 0 ]
