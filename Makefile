# Two commands for a new user: `make run` serves the app on port 5000 of every
# interface (phones on the venue network reach it); `make test` runs the whole suite,
# on SQLite and on a throwaway PostgreSQL. Both set everything up first (scripts/setup.sh).
# `make cluster` starts a hosted deployment on this machine (scripts/cluster.sh).

.PHONY: run test setup setup-dev setup-cluster cluster cluster-stop translations protocol lock clean

run: setup
	.venv/bin/python wsgi.py

test: setup-dev
	@scripts/test.sh

setup:
	@scripts/setup.sh

setup-dev:
	@scripts/setup.sh dev

setup-cluster:
	@scripts/setup.sh cluster

# PostgreSQL, Redis, two app processes and nginx on PORT, data in instance/cluster/
cluster: setup-cluster
	@scripts/cluster.sh start

cluster-stop:
	@scripts/cluster.sh stop

# Refresh the catalogues after adding or changing user-facing strings.
translations: setup-dev
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _np:1,2 --no-location --sort-output -w 100 -o translations/messages.pot .
	.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching -w 100

# Write docs/protocol.md's tables again from the code (scripts/protocol_doc.py).
protocol: setup-dev
	.venv/bin/python scripts/protocol_doc.py

# Lock the Python dependencies again after changing pyproject.toml (scripts/lock.sh).
lock: setup-dev
	@scripts/lock.sh

clean:
	rm -rf .venv node_modules
