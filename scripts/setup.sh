#!/usr/bin/env bash
# Sets up everything the app needs, once: a virtual environment with the Python
# dependencies, the front-end packages from package-lock.json, compiled translations and
# the database schema. A second run reinstalls nothing (stamp files keyed on the lock
# files) and so works offline.
#   scripts/setup.sh          what `make run` needs
#   scripts/setup.sh cluster  the same plus the PostgreSQL and Redis drivers (`make cluster`)
#   scripts/setup.sh dev      all of that plus the test tools (`make test`)
set -euo pipefail
cd "$(dirname "$0")/.."

extras="${1:-}"
VENV=.venv
STAMPS=$VENV/stamps
PY=$VENV/bin/python

missing=()
python_bin=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    python_bin=$candidate; break
  fi
done
[ -n "$python_bin" ] || missing+=("python3 python3-venv python3-dev")
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=("nodejs npm")
elif ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 18) ? 0 : 1)'; then
  missing+=("nodejs npm")
fi
# capture first, then match: `ldconfig -p | grep -q` under pipefail fails whenever grep
# exits early and ldconfig gets SIGPIPE, which made this check flaky
libraries="$(ldconfig -p 2>/dev/null || true)"
if [[ "$libraries" != *libpango-1.0.so* ]]; then
  missing+=("libpango-1.0-0 libpangoft2-1.0-0")
fi
# the tests run on PostgreSQL too and start a cluster (Redis, nginx); `make cluster` too
if [ -n "$extras" ]; then
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=("postgresql")
  command -v redis-server >/dev/null 2>&1 || missing+=("redis-server")
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=("nginx")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Facilitator needs a few system packages first (Python 3.11+, Node.js 18.18+, Pango${extras:+, PostgreSQL, Redis, nginx})." >&2
  echo "Install them with:" >&2
  echo "    sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

key() { cat "$@" | sha256sum | cut -c1-16; }

if [ ! -x "$PY" ]; then
  echo "==> creating the virtual environment ($python_bin)"
  "$python_bin" -m venv "$VENV"
fi
mkdir -p "$STAMPS"

# the Python dependencies come from a lock file with hashes (requirements/*.txt, made from
# pyproject.toml: docs/architecture.md says how to update them), the app itself after them
lock=requirements/app.txt
[ "$extras" = "dev" ] && lock=requirements/dev.txt
[ "$extras" = "cluster" ] && lock=requirements/cluster.txt
stamp="$STAMPS/python${extras:+-$extras}-$(key pyproject.toml "$lock")"
if [ ! -f "$stamp" ]; then
  echo "==> installing Python dependencies ($lock, every file checked against its hash)"
  "$PY" -m pip install --quiet --upgrade pip
  "$PY" -m pip install --quiet --require-hashes -r "$lock"
  "$PY" -m pip install --quiet --no-deps -e .
  rm -f "$STAMPS"/python${extras:+-$extras}-*
  touch "$stamp"
  # the test tools include the app's own dependencies and the cluster's drivers
  if [ "$extras" = "dev" ]; then
    rm -f "$STAMPS"/python-[0-9a-f]* "$STAMPS"/python-cluster-*
    touch "$STAMPS/python-$(key pyproject.toml requirements/app.txt)" \
      "$STAMPS/python-cluster-$(key pyproject.toml requirements/cluster.txt)"
  fi
fi

stamp="$STAMPS/node-$(key package-lock.json)"
if [ ! -f "$stamp" ] || [ ! -d node_modules ]; then
  echo "==> installing front-end packages (npm ci, pinned in package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  rm -f "$STAMPS"/node-*
  touch "$stamp"
fi

stamp="$STAMPS/translations-$(key translations/*/LC_MESSAGES/messages.po)"
if [ ! -f "$stamp" ]; then
  echo "==> compiling translations"
  "$VENV/bin/pybabel" compile --use-fuzzy -d translations >/dev/null
  rm -f "$STAMPS"/translations-*
  touch "$stamp"
fi

if [ -z "$extras" ]; then
  echo "==> bringing the database schema up to date"
  "$VENV/bin/flask" --app facilitator db upgrade >/dev/null 2>&1 ||
    "$VENV/bin/flask" --app facilitator db upgrade
fi
