#!/usr/bin/env bash
# Start `festival demo` on a fresh instance folder, fetch a page in two languages, stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
instance=$(mktemp -d)
port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LANTERN_INSTANCE_PATH="$instance" LANTERN_ENV=development .venv/bin/festival demo --port "$port" >"$instance/demo.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$instance"' EXIT
for _ in $(seq 180); do  # seeding takes longer on a busy machine
  curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat "$instance/demo.log"; exit 1; }
  sleep 1
done
grep -q "Lantern is running at http://127.0.0.1:$port/" "$instance/demo.log"
grep -q "base@example.com" "$instance/demo.log"
fr=$(curl -fs -H "Accept-Language: fr" "http://127.0.0.1:$port/paris/")
echo "$fr" | grep -q 'lang="fr"'
echo "$fr" | grep -q "Festival des Lanternes de Paris"
ar=$(curl -fs -H "Accept-Language: ar" "http://127.0.0.1:$port/dubai/")
echo "$ar" | grep -q 'dir="rtl"'
en=$(curl -fs -H "Accept-Language: en" "http://127.0.0.1:$port/houston/")
test "$(echo "$fr" | grep -c 'Exhibitions')" = 0  # the French page is translated
echo "$en" | grep -q "Exhibitions"
# The demo sells at once: Paris's season is on sale in euros, with one sold-out night.
shop=$(curl -fs -H "Accept-Language: fr" "http://127.0.0.1:$port/paris/lumieres-de-chine/")
echo "$shop" | grep -q "18,50"
test "$(echo "$shop" | grep -c '<td class="sold_out"')" = 1
echo "demo smoke test passed on port $port"
