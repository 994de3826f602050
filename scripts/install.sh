#!/usr/bin/env bash
# Install everything Lantern needs on a Debian machine, idempotently:
# system packages (as root), a virtualenv with the package and its test extras at the locked
# versions of scripts/requirements.lock, compiled catalogs.
set -euo pipefail
cd "$(dirname "$0")/.."

# nginx: the resilience drills (tests/drills) put it in front of two app instances, started
# by the test with its own configuration; the system's nginx service is never used.
SYSTEM_PACKAGES=(chromium chromium-driver fonts-wqy-microhei poppler-utils nginx)
missing=()
if command -v dpkg-query >/dev/null; then
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    if [[ " ${missing[*]} " == *" nginx "* ]]; then
      # The package may start its service on port 80; nothing of Lantern's needs it running.
      service nginx stop >/dev/null 2>&1 || true
    fi
  else
    echo "Missing system packages (install them as root): ${missing[*]}" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Exactly the versions in the lock (scripts/lock_dependencies.sh writes it), on every machine.
LOCK=scripts/requirements.lock
stamp=.venv/.installed-$(cat pyproject.toml "$LOCK" | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -c "$LOCK" -e ".[dev]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
# Browser libraries the app serves itself (the scanner's QR reader), pinned by package-lock.json.
npm_stamp=node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)
if [ ! -f "$npm_stamp" ]; then
  if ! command -v npm >/dev/null; then
    echo "npm is missing: install Node.js 20+ with npm (Debian: apt-get install nodejs npm)." >&2
    exit 1
  fi
  npm ci --omit=dev --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi
# Compiled only when a catalog changed: a second install running beside tests never rewrites the
# .mo files they read (CI runs the SQLite and PostgreSQL suites side by side).
mo_stamp=.venv/.catalogs-$(cat translations/*/LC_MESSAGES/messages.po | sha256sum | cut -c1-16)
if [ ! -f "$mo_stamp" ] || ! ls translations/*/LC_MESSAGES/messages.mo >/dev/null 2>&1; then
  LANTERN_ENV=development .venv/bin/festival compile-translations >/dev/null
  rm -f .venv/.catalogs-* && touch "$mo_stamp"
fi
