#!/usr/bin/env bash
# Schema testing of the REST API: starts a real `guildhall serve` (temporary SQLite database,
# free loopback port), signs in as the first administrator, and runs schemathesis against
# /api/openapi.json with that bearer token: no 500s, and every response must match the
# OpenAPI document (status codes, content types, headers and bodies). Fails on any failure.
#
# Usage: federation-tests/schema/run.sh [extra schemathesis arguments]
#   GUILDHALL_BIN          the binary (default: $CARGO_TARGET_DIR or target, /debug/guildhall)
#   SCHEMATHESIS           the schemathesis command (default: .venv-schema/bin/schemathesis)
#   SCHEMA_MAX_EXAMPLES    test cases per operation and phase (default 8: about 1 to 3 minutes)
#   SCHEMA_SEED            the random seed (default fixed, so that CI runs are repeatable)
#   GUILDHALL_TEST_KEEP=1  keep the temporary directory (database and server log)
# docs/schema-testing.md explains how to run it longer.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD

bin=${GUILDHALL_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/guildhall}
schemathesis=${SCHEMATHESIS:-$repo/.venv-schema/bin/schemathesis}
max_examples=${SCHEMA_MAX_EXAMPLES:-8}
seed=${SCHEMA_SEED:-15}
ready_deadline_seconds=30

fail() {
    printf 'schema test: %s\n' "$*" >&2
    exit 1
}

[ -x "$bin" ] || fail "$bin does not exist: run \`cargo build -p guildhall\` first (or set GUILDHALL_BIN)"
[ -x "$schemathesis" ] || fail "$schemathesis not found: install federation-tests/schema/requirements.txt in a venv (see docs/schema-testing.md)"

dir=$(mktemp -d "${TMPDIR:-/tmp}/guildhall-schema.XXXXXX")
server_pid=
stop_server() {
    local status=$?
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        # Graceful shutdown finishes in-flight requests; give it a bounded time.
        for _ in $(seq 1 100); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -f "$dir/server.log" ]; then
        printf '\n---- last lines of the server log (%s) ----\n' "$dir/server.log" >&2
        tail -n 40 "$dir/server.log" >&2 || true
    fi
    if [ "${GUILDHALL_TEST_KEEP:-}" = 1 ]; then
        echo "kept $dir"
    else
        rm -rf "$dir"
    fi
    exit "$status"
}
trap stop_server EXIT

# A loopback port that was free a moment ago.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

# A developer's configuration file and database URL must not reach the server.
# The rate limits of the API's public operations are off: a run sends thousands of requests
# from one address (their 429 is documented; crates/guildhall/tests/limits.rs tests them).
env -u GUILDHALL_CONFIG -u GUILDHALL_DATABASE_URL \
    GUILDHALL_BIND="127.0.0.1:$port" \
    GUILDHALL_DOMAIN="localhost:$port" \
    GUILDHALL_DATA_DIR="$dir/data" \
    GUILDHALL_LOG="${GUILDHALL_TEST_LOG:-warn}" \
    GUILDHALL_DEV_MODE=true \
    GUILDHALL_RATE_LIMIT_SIGNUP_PER_HOUR=0 \
    GUILDHALL_RATE_LIMIT_SEARCH_PER_MINUTE=0 \
    GUILDHALL_RATE_LIMIT_RESOLVE_PER_MINUTE=0 \
    "$bin" serve >"$dir/stdout.log" 2>"$dir/server.log" &
server_pid=$!

# Ready once /ready answers and the start-up banner (with the administrator's password) is out.
deadline=$((SECONDS + ready_deadline_seconds))
until grep -q 'Guildhall is running at' "$dir/stdout.log" 2>/dev/null \
    && python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$base/ready" 2>/dev/null; do
    kill -0 "$server_pid" 2>/dev/null || fail "guildhall serve exited early"
    [ "$SECONDS" -lt "$deadline" ] || fail "guildhall serve not ready after ${ready_deadline_seconds}s"
    sleep 0.1
done
password=$(sed -n 's/^ *password: \(.*\)$/\1/p' "$dir/stdout.log" | head -n 1)
[ -n "$password" ] || fail "no administrator password in the start-up banner"

token=$(python3 - "$base" "$password" <<'PY'
import json, sys, urllib.request
base, password = sys.argv[1], sys.argv[2]
req = urllib.request.Request(
    base + "/api/guildhall/v1/auth/login",
    data=json.dumps({"username": "admin", "password": password}).encode(),
    headers={"Content-Type": "application/json"},
)
with urllib.request.urlopen(req, timeout=10) as r:
    print(json.load(r)["token"])
PY
) || fail "could not sign in as admin"

echo "schema test: guildhall at $base, schemathesis $("$schemathesis" --version | tail -n 1), $max_examples examples per operation, seed $seed"

# Deliberate exclusions (keep them few; docs/schema-testing.md lists what they leave out):
# - logout, and the password change (which ends every session), would end the session the
#   whole run authenticates with; both are covered by crates/api/tests/it/accounts.rs.
# - resolve, guild invitations (invite) and the map crawl (start_crawl) fetch from other
#   servers named in the request: CI must not send requests to arbitrary hosts, and their
#   502 when the other server fails is their documented answer.
# - ignored_auth: tries each secured operation without credentials, and also with the same
#   header schemathesis was given on the command line, which it cannot remove; the API's
#   401s are covered by crates/api/tests/it/ instead.
# - positive_data_acceptance and negative_data_rejection: the request schemas do not yet
#   state the domain rules (name lengths and characters, non-empty titles, value ranges)
#   nor that list pages are clamped rather than refused; see the to-do in
#   docs/schema-testing.md. Every other check (no 5xx, status codes, content types, headers,
#   response bodies against their schemas) runs on every operation.
# Run from the temporary directory, where schemathesis and hypothesis keep their caches.
# One worker: hypothesis's source inspection is not thread-safe ("AST constructor recursion
# depth mismatch" with two).
cd "$dir"
"$schemathesis" run "$base/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks all \
    --exclude-checks ignored_auth,positive_data_acceptance,negative_data_rejection \
    --exclude-operation-id-regex '^(logout|change_password|resolve|invite|start_crawl)$' \
    --max-examples "$max_examples" \
    --seed "$seed" \
    --workers 1 \
    --request-timeout 30 \
    --suppress-health-check too_slow,filter_too_much \
    --report junit --report-dir "$dir/report" \
    "$@"
