#!/usr/bin/env bash
# What `make test` runs after the set-up: the front end's lint and unit tests (seconds),
# then the whole suite on SQLite (browser and cluster tests included), then again on a
# throwaway PostgreSQL server, without the browser and cluster tests, which do not depend
# on the database the suite runs on (the cluster always runs on a PostgreSQL of its own).
# Arguments go to both pytest runs.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/facilitator-test-postgres.XXXXXX")
cleanup() {
  scripts/postgres.sh stop "$pg_dir" || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT

# the front end first, in seconds and offline (node_modules from scripts/setup.sh): eslint
# (eslint.config.js), then the reducers' unit tests with Node's own test runner
echo "==> the front end: eslint, and the reducers' tests (node --test tests/js)"
npx --no-install eslint static/js tests/js eslint.config.js
node --test --test-reporter=spec tests/js/*.test.mjs

echo "==> the test suite on SQLite"
"$PY" -m pytest "$@"

echo "==> the test suite on PostgreSQL (a throwaway server in $pg_dir)"
port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=$(scripts/postgres.sh start "$pg_dir" "$port" fast)
TEST_DATABASE_URL=$url "$PY" -m pytest -m "not browser and not cluster" "$@"
