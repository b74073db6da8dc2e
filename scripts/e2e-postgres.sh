#!/usr/bin/env bash
# Two real llmrouter processes on one throwaway PostgreSQL (scripts/postgres-lib.sh), each with
# the same providers file: a fake Groq allowing one call a minute (its answer says the bucket is
# now empty) ahead of an echo. The call instance A spends cools the route on B too, so B answers
# from the echo without calling the fake. Then the database is stopped: both keep answering, warn
# once and report llmrouter_shared_state_up 0; started again, both rejoin by themselves, and a
# cool-down crosses the other way. The database password appears in no output.
# Both write their usage log to the database (the default with a database URL): at the end one
# `llmrouter stats` shows every request of each instance, those answered during the outage too.
# Needs python3 and curl; installs Debian's PostgreSQL server when missing; 127.0.0.1 only.
# Then (check_learned_limits_and_the_files_database): what a fake's headers said of its bucket,
# learned by one process, paces another; one finds the database in its providers file.
# Last (check_access_keys_in_the_database): `llmrouter keys add` on the database's keys table
# makes a key two more processes accept; revoked, both refuse it. `stats` and `keys add` also find
# the database through database: of LLMROUTER_CONFIG's file alone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/postgres-lib.sh"
BIN=$(llmrouter_bin)
WORK=$(mktemp -d)
trap 'stop_children; pg_stop; [ -n "${KEEP_LOGS:-}" ] && cp "$WORK"/*.log "$KEEP_LOGS"/; rm -rf "$WORK"' EXIT
pg_install
pg_start
PASSWORD=$(sed -n 's|^postgres://[^:]*:\([^@]*\)@.*|\1|p' <<<"$PG_URL")

start_fake groq --rate-limit 1/60 --dialect groq
FIRST_FAKE=$FAKE_PORT
start_fake groq --rate-limit 1/60 --dialect groq
SECOND_FAKE=$FAKE_PORT
cat >"$WORK/providers.yaml" <<YAML
routing:
  max_wait_seconds: 0
providers:
  - {name: limited, type: groq, priority: 1, model: up-a, canonical_model: model-a, base_url: "http://127.0.0.1:$FIRST_FAKE/v1"}
  - {name: limited-b, type: groq, priority: 1, model: up-b, canonical_model: model-b, base_url: "http://127.0.0.1:$SECOND_FAKE/v1"}
  - {name: local-echo, type: echo, priority: 100}
YAML

start_router() { # start_router NAME: sets PORT_<NAME>, logs to $WORK/NAME.log
    local port
    port=$(free_port)
    env -i PATH="$PATH" HOME="$WORK" GROQ_API_KEY=gsk_e2e_postgres_groq_key_0000001 \
        LLMROUTER_CONFIG="$WORK/providers.yaml" LLMROUTER_DATABASE_URL="$PG_URL" PORT="$port" "$BIN" >"$WORK/$1.log" 2>&1 &
    printf -v "PORT_$1" '%s' "$port"
    printf -v "PID_$1" '%s' "$!"
    wait_for_http "http://127.0.0.1:$port/health"
}
answer() { # answer PORT MODEL: prints "STATUS PROVIDER"; notes PORT in $WORK/sent
    echo "$1" >>"$WORK/sent"
    curl -sS -o /dev/null -D - -w '%{http_code}\n' "http://127.0.0.1:$1/v1/chat/completions" -H 'Content-Type: application/json' \
        -d "{\"model\":\"$2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" |
        tr -d '\r' | awk 'tolower($1)=="x-llmrouter-provider:"{p=$2} /^[0-9]+$/{s=$1} END{print s, p}'
}
fake_calls() { curl -fsS "http://127.0.0.1:$1/_stats" | python3 -c 'import json,sys; r=json.load(sys.stdin)["rate_limits"]; print(r["answered"] + r["rate_limited"])'; }
cooling() { # cooling PORT ROUTE: the route's cool-down reason, or none
    curl -fsS "http://127.0.0.1:$1/health/providers" |
        python3 -c 'import json,sys; r=[p for p in json.load(sys.stdin)["providers"] if p["name"]==sys.argv[1]]; print(((r[0].get("cool_down") or {}).get("reason")) or "none")' "$2"
}
gauge() { curl -fsS "http://127.0.0.1:$1/metrics" | sed -n 's/^llmrouter_shared_state_up \([0-9]*\).*/\1/p'; }
wait_cooling() { # wait_cooling PORT ROUTE TRIES: until ROUTE cools for an empty bucket, TRIES × 20 ms at most
    for _ in $(seq 1 "$3"); do [ "$(cooling "$1" "$2")" = remaining_zero ] && return 0; sleep 0.02; done
    return 1
}
wait_log() { # wait_log FILE TEXT: up to 30 s
    for _ in $(seq 1 300); do grep -q "$2" "$1" && return 0; sleep 0.1; done
    return 1
}

echo "== two instances, one database"
start_router A
start_router B
check "A connects to the database" wait_log "$WORK/A.log" "shared state connected"
check "B connects to the database" wait_log "$WORK/B.log" "shared state connected"
check "the startup log names the database without its password" grep -q "llmrouter.database=postgres://llmrouter:\*\*\*@127.0.0.1:$PG_PORT/" "$WORK/A.log"
sleep 0.5
FIRST=$(answer "$PORT_A" model-a)
echo "   A: $FIRST"
check "A spends the bucket's last call on the fake (200 from limited)" test "$FIRST" = "200 limited"
check "B hears of the empty bucket at once (remaining_zero)" wait_cooling "$PORT_B" limited 50
SECOND=$(answer "$PORT_B" model-a)
echo "   B: $SECOND; fake calls: $(fake_calls "$FIRST_FAKE")"
check "B answers from the echo" test "$SECOND" = "200 local-echo"
check "B never called the fake (1 call in all, no 429)" test "$(fake_calls "$FIRST_FAKE")" = "1"
check "B logs the cool-down from another instance" grep -q "cool-down from another instance" "$WORK/B.log"
check "both report llmrouter_shared_state_up 1" test "$(gauge "$PORT_A")$(gauge "$PORT_B")" = "11"

echo "== the database stopped"
pg_server stop
DOWN_A=$(answer "$PORT_A" model-a)
DOWN_B=$(answer "$PORT_B" model-b)
echo "   A: $DOWN_A, B: $DOWN_B"
check "A keeps answering" test "${DOWN_A%% *}" = "200"
check "B keeps answering (and cools limited-b on its own)" test "$DOWN_B" = "200 limited-b"
check "A warns that it serves on its own state" wait_log "$WORK/A.log" "shared state unavailable"
check "B warns too" wait_log "$WORK/B.log" "shared state unavailable"
check "A reports llmrouter_shared_state_up 0" test "$(gauge "$PORT_A")" = "0"
for _ in 1 2 3; do answer "$PORT_A" model-a >/dev/null; done
sleep 2
check "one warning per instance for the whole outage" test "$(grep -c 'shared state unavailable' "$WORK/A.log")" = "1"

echo "== the database started again"
pg_server start
check "A rejoins by itself" wait_log "$WORK/A.log" "shared state back"
check "B rejoins by itself" wait_log "$WORK/B.log" "shared state back"
check "A reports llmrouter_shared_state_up 1" test "$(gauge "$PORT_A")" = "1"
# B's cool-down of limited-b started while the database was away: written once it is back.
check "A learns B's cool-down from the outage" wait_cooling "$PORT_A" limited-b 150
AFTER=$(answer "$PORT_A" model-b)
echo "   A: $AFTER; second fake calls: $(fake_calls "$SECOND_FAKE")"
check "A answers model-b from the echo without calling the fake" test "$AFTER $(fake_calls "$SECOND_FAKE")" = "200 local-echo 1"

kill -TERM "$PID_A" "$PID_B"
STOPPED=0
wait "$PID_A" || STOPPED=$?
wait "$PID_B" || STOPPED=$?
check "both stop cleanly on SIGTERM" test "$STOPPED" = 0
check "the database password is in no log" bash -c "! grep -q '$PASSWORD' '$WORK/A.log' '$WORK/B.log'"

# The usage log in the database: after the graceful stops (which flush), one `llmrouter stats`
# shows each instance's rows, as many as requests were sent to it, the outage's included.
check_usage_rows_in_stats() {
    echo "== usage rows of both instances in one llmrouter stats"
    local name_a name_b sent_a sent_b rows
    name_a=$(sed -n 's/.*llmrouter\.instance=\([^ ]*\).*/\1/p' "$WORK/A.log" | head -1)
    name_b=$(sed -n 's/.*llmrouter\.instance=\([^ ]*\).*/\1/p' "$WORK/B.log" | head -1)
    sent_a=$(grep -cx "$PORT_A" "$WORK/sent")
    sent_b=$(grep -cx "$PORT_B" "$WORK/sent")
    check "A logs its usage log in PostgreSQL" grep -q "usage log in PostgreSQL" "$WORK/A.log"
    check "the two instances have different names" test -n "$name_a" -a -n "$name_b" -a "$name_a" != "$name_b"
    "$BIN" stats --database-url "$PG_URL" --by instance --json >"$WORK/stats.json" 2>"$WORK/stats.err" || cat "$WORK/stats.err"
    rows=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join(g["group"] + "=" + str(g["requests"]) for g in sorted(r["groups"], key=lambda g: g["group"])))' "$WORK/stats.json")
    echo "   stats --by instance: $rows (sent: A $sent_a, B $sent_b)"
    check "stats shows A's rows, one per request sent to it ($sent_a)" grep -qw "$name_a=$sent_a" <<<"$rows"
    check "stats shows B's rows, one per request sent to it ($sent_b)" grep -qw "$name_b=$sent_b" <<<"$rows"
    check "LLMROUTER_DATABASE_URL and --instance read B's rows alone" bash -c \
        "env -i PATH='$PATH' LLMROUTER_DATABASE_URL='$PG_URL' '$BIN' stats --instance '$name_b' | grep -qE '^total +$sent_b '"
    check "stats names the database without its password when it cannot read it" bash -c \
        "! '$BIN' stats --database-url 'postgres://llmrouter:$PASSWORD@127.0.0.1:1/none?sslmode=disable' 2>&1 | grep -q '$PASSWORD'"
    # The database named only by database: of LLMROUTER_CONFIG's file, as the server finds it.
    echo "database: \"postgres://llmrouter:\${E2E_DB_PASSWORD}@127.0.0.1:$PG_PORT/llmrouter?sslmode=disable\"" >"$WORK/stats.yaml"
    echo "providers: [{name: e, type: echo}]" >>"$WORK/stats.yaml"
    env -i PATH="$PATH" LLMROUTER_CONFIG="$WORK/stats.yaml" E2E_DB_PASSWORD="$PASSWORD" "$BIN" stats --instance "$name_b" >"$WORK/stats.txt" 2>"$WORK/stats.err" || true
    check "stats with database: only in the providers file reads B's rows and says from where" bash -c \
        "grep -qE '^total +$sent_b ' '$WORK/stats.txt' && grep -qx 'reading the usage log in PostgreSQL at 127.0.0.1:$PG_PORT/llmrouter (from $WORK/stats.yaml: database)' '$WORK/stats.err'"
    local output status expected="$WORK/stats.yaml: field 'database': names \${E2E_DB_PASSWORD}, which is not set"
    output=$(env -i PATH="$PATH" LLMROUTER_CONFIG="$WORK/stats.yaml" "$BIN" stats 2>&1) && status=0 || status=$?
    check "with \${E2E_DB_PASSWORD} unset, stats fails ($status) naming the file, field and variable" grep -qF "$expected" <<<"$output"
}
check_usage_rows_in_stats
# Learned limits, and `database:` in the providers file: two more processes over a fake Groq
# allowing 5 calls a minute (its answers' headers say how many are left). C finds the database
# only in its providers file (`database:`, the password from ${E2E_DB_PASSWORD}); D has the same
# file without that variable, and its LLMROUTER_DATABASE_URL wins. A call through C leaves 4;
# D knows it without a call, spends exactly those 4, and then C and D answer from the echo
# without a single 429 from the fake.
check_learned_limits_and_the_files_database() {
    echo "== learned limits; database: in the providers file"
    local fake name port first remaining spent instances share expected=""
    start_fake groq --rate-limit 5/60 --dialect groq
    fake=$FAKE_PORT
    cat >"$WORK/learned.yaml" <<YAML
database: "postgres://llmrouter:\${E2E_DB_PASSWORD}@127.0.0.1:$PG_PORT/llmrouter?sslmode=disable"
routing:
  max_wait_seconds: 0
providers:
  - {name: paced, type: groq, priority: 1, model: up-c, canonical_model: model-c, base_url: "http://127.0.0.1:$fake/v1"}
  - {name: local-echo, type: echo, priority: 100}
YAML
    for name in C D; do
        port=$(free_port)
        local variables=(E2E_DB_PASSWORD="$PASSWORD")
        [ "$name" = D ] && variables=(LLMROUTER_DATABASE_URL="$PG_URL")
        env -i PATH="$PATH" HOME="$WORK" GROQ_API_KEY=gsk_e2e_postgres_groq_key_0000001 LLMROUTER_DB=off \
            LLMROUTER_CONFIG="$WORK/learned.yaml" "${variables[@]}" PORT="$port" "$BIN" >"$WORK/$name.log" 2>&1 &
        printf -v "PORT_$name" '%s' "$port"
        printf -v "PID_$name" '%s' "$!"
        wait_for_http "http://127.0.0.1:$port/health"
    done
    check "C connects through database: of its providers file" wait_log "$WORK/C.log" "shared state connected"
    check "C names that database without its password" grep -q "llmrouter.database=postgres://llmrouter:\*\*\*@127.0.0.1:$PG_PORT/" "$WORK/C.log"
    check "D says LLMROUTER_DATABASE_URL overrides the file's database:" grep -q "LLMROUTER_DATABASE_URL overrides database: of the providers file" "$WORK/D.log"
    check "D connects" wait_log "$WORK/D.log" "shared state connected"
    sleep 0.5
    first=$(answer "$PORT_C" model-c)
    check "C's call is answered by the fake ($first)" test "$first" = "200 paced"
    remaining_on_d() {
        curl -fsS "http://127.0.0.1:$PORT_D/health/providers" |
            python3 -c 'import json,sys; r=[p for p in json.load(sys.stdin)["providers"] if p["name"]=="paced"]; print((r[0].get("limits") or {}).get("remaining_requests"))'
    }
    for _ in $(seq 1 100); do [ "$(remaining_on_d)" = 4 ] && break; sleep 0.02; done
    check "D knows 4 are left without calling the fake (remaining_requests 4)" test "$(remaining_on_d) $(fake_calls "$fake")" = "4 1"
    # The running instances (A and B may still count) split the 4: D spends its share only.
    instances=$(curl -fsS "http://127.0.0.1:$PORT_D/metrics" | sed -n 's/^llmrouter_shared_instances \([0-9]*\).*/\1/p')
    share=$(curl -fsS "http://127.0.0.1:$PORT_D/health/providers" |
        python3 -c 'import json,sys; r=[p for p in json.load(sys.stdin)["providers"] if p["name"]=="paced"]; print((r[0].get("limits") or {}).get("share_requests"))')
    check "D's share of the 4 is its part among the $instances running instances (share_requests $share)" \
        python3 -c "import sys; n, s = int('$instances'), int('$share'); sys.exit(not (n >= 2 and s in (4 // n, 4 // n + 1)))"
    spent=""
    for _ in 1 2 3 4 5; do spent+="$(answer "$PORT_D" model-c | cut -d' ' -f2) "; done
    echo "   D: $spent"
    for _ in $(seq 1 "$share"); do expected+="paced "; done
    for _ in $(seq "$share" 4); do expected+="local-echo "; done
    check "D spends its share, then answers from the echo" test "$spent" = "$expected"
    check "the fake answered at most 5 and refused none (no 429)" python3 -c "
import json, sys, urllib.request
r = json.load(urllib.request.urlopen('http://127.0.0.1:$fake/_stats'))['rate_limits']
sys.exit(not (r['answered'] <= 5 and r['rate_limited'] == 0))"
    kill -TERM "$PID_C" "$PID_D"
    wait "$PID_C" "$PID_D" || true
    check "the database password is in no log of C and D" bash -c "! grep -q '$PASSWORD' '$WORK/C.log' '$WORK/D.log'"
}
check_learned_limits_and_the_files_database
# Access keys in the database (LLMROUTER_KEYS=postgres): two more processes read their keys from
# the table; `llmrouter keys add` on it makes a key both accept within seconds, a missing or wrong
# key is answered 401 in OpenAI's error shape, `keys revoke` makes both refuse it, and the table
# holds the key's SHA-256, never the key.
check_access_keys_in_the_database() {
    echo "== access keys in the database (LLMROUTER_KEYS=postgres)"
    local keys_env=(env -i PATH="$PATH" HOME="$WORK" LLMROUTER_KEYS=postgres LLMROUTER_DATABASE_URL="$PG_URL")
    local name port key bob status
    for name in KA KB; do
        port=$(free_port)
        "${keys_env[@]}" GROQ_API_KEY=gsk_e2e_postgres_groq_key_0000001 LLMROUTER_DB=off LLMROUTER_CONFIG="$WORK/providers.yaml" \
            PORT="$port" "$BIN" >"$WORK/$name.log" 2>&1 &
        printf -v "PORT_$name" '%s' "$port"
        printf -v "PID_$name" '%s' "$!"
        wait_for_http "http://127.0.0.1:$port/health"
    done
    models() { # models PORT [KEY]: the status of GET /v1/models, the body in $WORK/models.json
        curl -sS -o "$WORK/models.json" -w '%{http_code}' "http://127.0.0.1:$1/v1/models" ${2:+-H "Authorization: Bearer $2"}
    }
    openai_401() { # openai_401 PORT [KEY]: 401 with {"error": {"code": "invalid_api_key", "type": "invalid_request_error"}}
        test "$(models "$1" "${2:-}")" = 401 && python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; sys.exit(not (e["code"]=="invalid_api_key" and e["type"]=="invalid_request_error" and e["message"]))' "$WORK/models.json"
    }
    refused_by_both() { # refused_by_both [KEY_A KEY_B]: both answer 401 in OpenAI's error shape
        openai_401 "$PORT_KA" "${1:-}" && openai_401 "$PORT_KB" "${2:-}"
    }
    both_answer() { # both_answer STATUS KEY: waits (≤ 5 s) until both processes answer KEY with STATUS
        for _ in $(seq 1 250); do
            [ "$(models "$PORT_KA" "$2")$(models "$PORT_KB" "$2")" = "$1$1" ] && return 0
            sleep 0.02
        done
        return 1
    }
    check "an empty keys table lets nobody in (401 without a key, on both)" refused_by_both
    key=$("${keys_env[@]}" "$BIN" keys add alice --rpm 600 2>"$WORK/keys-add.err") || true
    local added=$(date +%s%N)
    sed 's/^/   /' "$WORK/keys-add.err"
    check "keys add prints a new key" grep -qE '^llmr-[0-9a-f]{48}$' <<<"$key"
    check "keys add names the table without the password" grep -q "Added key 'alice' to the keys table of postgres://llmrouter:\*\*\*@127.0.0.1:$PG_PORT/" "$WORK/keys-add.err"
    check "both processes accept the key within seconds (200 on /v1/models)" both_answer 200 "$key"
    echo "   accepted by both $(( ($(date +%s%N) - added) / 1000000 )) ms after keys add returned"
    status=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_KB/v1/chat/completions" -H "Authorization: Bearer $key" \
        -H 'Content-Type: application/json' -d '{"model":"local-echo","messages":[{"role":"user","content":"hi"}]}')
    check "a chat with the key is answered by the second process (200)" test "$status" = 200
    check "no key: 401 in OpenAI's error shape on both" refused_by_both
    check "a wrong key: 401 in OpenAI's error shape on both" refused_by_both "${key}x" llmr-wrong-0123456789abcdef
    check "both log the key added" bash -c "grep 'access keys changed' '$WORK/KA.log' | grep -q 'llmrouter.added=alice' && grep 'access keys changed' '$WORK/KB.log' | grep -q 'llmrouter.added=alice'"
    "${keys_env[@]}" "$BIN" keys list >"$WORK/keys-list.txt" 2>/dev/null || true
    sed 's/^/   /' "$WORK/keys-list.txt"
    check "keys list shows alice with her limit, not her key" bash -c "grep -q '^alice .*rpm=600' '$WORK/keys-list.txt' && ! grep -q '$key' '$WORK/keys-list.txt'"
    local rows
    rows=$("$(pg_bin)/psql" "$PG_URL" -Atc "SELECT row_to_json(k) FROM llmrouter_access_keys k") || true
    check "the table holds the key's SHA-256 (the keys file's format), never the key" \
        bash -c "grep -q '\"sha256\":\"$(printf %s "$key" | sha256sum | cut -d' ' -f1)\"' <<<'$rows' && ! grep -q '$key' <<<'$rows'"
    "${keys_env[@]}" "$BIN" keys revoke alice 2>/dev/null || true
    check "keys revoke: both refuse the key within seconds (401)" both_answer 401 "$key"
    # With the database named only by database: of LLMROUTER_CONFIG's file, as the server finds it.
    local yaml_env=(env -i PATH="$PATH" HOME="$WORK" LLMROUTER_KEYS=postgres LLMROUTER_CONFIG="$WORK/learned.yaml" E2E_DB_PASSWORD="$PASSWORD")
    bob=$("${yaml_env[@]}" "$BIN" keys add bob 2>>"$WORK/keys-add.err") || true
    check "keys add with database: only in the providers file: named, without the password" grep -qF \
        "Added key 'bob' to the keys table of postgres://llmrouter:***@127.0.0.1:$PG_PORT/llmrouter?sslmode=disable (from $WORK/learned.yaml: database)" "$WORK/keys-add.err"
    check "both processes accept that key within seconds" both_answer 200 "$bob"
    kill -TERM "$PID_KA" "$PID_KB"
    wait "$PID_KA" "$PID_KB" || true
    check "the keys are in no log" bash -c "! grep -qe '$key' -e '$bob' '$WORK/KA.log' '$WORK/KB.log' '$WORK/keys-add.err'"
    check "the database password is in no log of these processes" bash -c "! grep -q '$PASSWORD' '$WORK/KA.log' '$WORK/KB.log' '$WORK/keys-add.err'"
}
check_access_keys_in_the_database
finish
