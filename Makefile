# Each target bootstraps .venv itself: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 4
PYTEST_ARGS ?=

.PHONY: run test bench catalogs extract

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[postgres,dev]'
	touch $@

catalogs: $(BIN)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d grouptools/translations -D messages --statistics 2>&1 | tail -n 3

# Refresh the catalogs after changing any string a person reads.
extract: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o grouptools/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i grouptools/translations/messages.pot -d grouptools/translations --no-fuzzy-matching

run: $(BIN)/.installed catalogs
	sh tools/system-packages.sh run
	$(BIN)/flask --app wsgi grouptools secret-key
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi grouptools cleanup
	GROUPTOOLS_BASE_URL="$$($(BIN)/flask --app wsgi grouptools base-url --host '$(HOST)' --port '$(PORT)')" \
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --no-control-socket \
		--access-logfile - wsgi:app

test: $(BIN)/.installed catalogs
	sh tools/system-packages.sh test
	$(BIN)/pytest $(PYTEST_ARGS)
