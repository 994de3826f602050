# Sourced by bench/run and bench/scale: a fresh PostgreSQL database migrated as the owner, the
# non-owner role the app serves as (row-level security on), the seed, and gunicorn instances
# (2 sync workers each, production settings, debug off) on 127.0.0.1. Everything started here
# is stopped, and the database dropped, when the calling script exits.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=15
if [[ "${1:-}" == "--duration" ]]; then DURATION="$2"; fi
PY=.venv/bin/python
PGHOST=${PGHOST:-127.0.0.1}
DB="lantern_bench_$(date +%s)"
ROLE=lantern_bench_app
OWNER_URL="postgresql://postgres@${PGHOST}:5432/${DB}"
APP_URL="postgresql://${ROLE}@${PGHOST}:5432/${DB}"
WORK=$(mktemp -d)
STARTED_PIDS=()

cleanup() {
  for pid in "${STARTED_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  psql -q -h "$PGHOST" -U postgres -c "DROP DATABASE IF EXISTS ${DB} WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
psql -q -h "$PGHOST" -U postgres -c "CREATE DATABASE ${DB}" >/dev/null

export LANTERN_ENV=production LANTERN_INSTANCE_PATH="$WORK" SECRET_KEY="bench-$(head -c 24 /dev/urandom | base64)"
# One token posts every order of the rush: its per-token limit (issue 7) is raised so that the
# limiter still counts each request but refuses none.
export ORDER_API_RATE_LIMIT="10000000 per minute"
export MIGRATION_DATABASE_URL="$OWNER_URL" DATABASE_URL="$OWNER_URL" MAIL_OUTBOX="$WORK/outbox"
.venv/bin/festival db upgrade >/dev/null 2>&1
.venv/bin/festival create-app-role "$ROLE" >/dev/null
export DATABASE_URL="$APP_URL"   # from here on the app is not the tables' owner: RLS applies
SEED=$($PY bench/seed.py)
field() { $PY -c "import json,sys; print(json.loads(sys.argv[1])$2)" "$SEED"; }
TOKEN=$(field "$SEED" "['token']")
TYPE=$(field "$SEED" "['ticket_type']")
RUSH=$(field "$SEED" "['rush_slot']")
S16=$(field "$SEED" "['sellout_slots']['16']")
S64=$(field "$SEED" "['sellout_slots']['64']")
TENANT=$(field "$SEED" "['tenant']")
EXHIBITION=$(field "$SEED" "['exhibition']")

wait_for() {  # URL: until it answers (at most 10 s)
  for _ in $(seq 1 50); do curl -fs -o /dev/null "$1" && return; sleep 0.2; done
  echo "no answer from $1"; exit 1
}

start_app() {  # PORT [VAR=value ...]: gunicorn, 2 sync workers, as the non-owner role; sets APP_PID
  local port="$1"; shift
  # The app logs as in production (one JSON line per request), into the run's folder.
  env "$@" .venv/bin/gunicorn --workers 2 --worker-class sync --bind "127.0.0.1:${port}" \
    --log-level warning --access-logfile /dev/null "wsgi:app" 2>>"$WORK/app.log" &
  APP_PID=$!
  STARTED_PIDS+=("$APP_PID")
  wait_for "http://127.0.0.1:${port}/${TENANT}/"
}

stop_pid() { kill "$1"; wait "$1" 2>/dev/null || true; }

rush() {  # BASE_URL: the on-sale rush through wrk; prints its RESULT line
  BENCH_TOKEN="$TOKEN" BENCH_SLOT="$RUSH" BENCH_TYPE="$TYPE" \
    wrk -t 2 -c 16 -d "${DURATION}s" --timeout 10s -s bench/post_order.lua "$1" | grep RESULT
}

storefront() {  # BASE_URL: the exhibition page through wrk, 32 connections; prints its RESULT line
  wrk -t 2 -c 32 -d "${DURATION}s" --timeout 10s -H "Accept-Language: fr" -s bench/get_page.lua \
    "$1/${TENANT}/${EXHIBITION}/" | grep RESULT
}

requests_of() { echo "$1" | sed -E 's/.*requests=([0-9]+).*/\1/'; }
