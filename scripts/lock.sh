#!/usr/bin/env bash
# Locks the Python dependencies: requirements/{app,cluster,dev}.txt from pyproject.toml,
# every version pinned with its files' hashes, for Python 3.11 and newer on any platform
# (uv's universal resolution). Pins already in a lock file are kept; `scripts/lock.sh
# --upgrade` (or `--upgrade-package weasyprint`) moves them. scripts/setup.sh installs
# from these files, and tests/test_dependencies.py fails when they disagree with
# pyproject.toml. Run the whole suite after an upgrade before committing the new locks.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/uv ] || .venv/bin/python -m pip install --quiet uv
mkdir -p requirements
compile() {
  local out=$1; shift
  .venv/bin/uv pip compile pyproject.toml "$@" --universal --python-version 3.11 \
    --generate-hashes --no-header --quiet -o "requirements/$out"
  echo "requirements/$out: $(grep -c '==' "requirements/$out") packages"
}
compile app.txt "$@"
compile cluster.txt --extra postgres --extra redis "$@"
compile dev.txt --extra dev "$@"
