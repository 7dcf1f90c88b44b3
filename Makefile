# Two commands for a new user: `make run` serves the app on port 5000 of every
# interface (phones on the venue network reach it); `make test` runs the whole suite.
# Both set everything up first; see scripts/setup.sh.

.PHONY: run test setup setup-dev translations clean

run: setup
	.venv/bin/python wsgi.py

test: setup-dev
	.venv/bin/python -m pytest

setup:
	@scripts/setup.sh

setup-dev:
	@scripts/setup.sh dev

# Refresh the catalogues after adding or changing user-facing strings.
translations: setup-dev
	.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _np:1,2 --no-location --sort-output -o translations/messages.pot .
	.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf .venv node_modules
