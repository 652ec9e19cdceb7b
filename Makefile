# Each target bootstraps .venv itself: a fresh clone needs only `make run` or `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 4
PYTEST_ARGS ?=

.PHONY: run demo test bench catalogs extract

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

# Load benchmark (bench/load.py, needs wrk): BENCH_SECONDS=, BENCH_ROUNDS=, BENCH_ONLY=,
# GROUPTOOLS_BENCH_DATABASE_URL= for PostgreSQL; then every uncached picture
# (bench/pictures.py) and the largest upload (bench/uploads.py). Growth to 100,000 rows takes longer: bench/growth.py (BENCH_ROWS=).
# Results: bench/RESULTS.md.
bench: $(BIN)/.installed catalogs
	sh tools/system-packages.sh bench
	$(BIN)/python bench/load.py
	$(BIN)/python bench/pictures.py
	$(BIN)/python bench/uploads.py

# Sample groups (Chinese, English) with every widget, on a fresh SQLite of its own in
# instance-demo/ (never instance/), served like `make run`; prints a sign-in link per person.
DEMO_DIR := $(CURDIR)/instance-demo
demo: export GROUPTOOLS_INSTANCE_DIR := $(DEMO_DIR)
demo: export GROUPTOOLS_DATABASE_URL := sqlite:///$(DEMO_DIR)/grouptools.db
demo: $(BIN)/.installed catalogs
	sh tools/system-packages.sh run
	rm -f $(DEMO_DIR)/grouptools.db $(DEMO_DIR)/grouptools.db-wal $(DEMO_DIR)/grouptools.db-shm
	$(BIN)/flask --app wsgi grouptools secret-key
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi grouptools demo --base-url http://$(HOST):$(PORT)
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --no-control-socket \
		--access-logfile - wsgi:app

test: $(BIN)/.installed catalogs
	sh tools/system-packages.sh test
	$(BIN)/pytest $(PYTEST_ARGS)
