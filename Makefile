# Two commands a newcomer needs: `make run` and `make test`. Everything is installed
# from this repository's own files (requirements.lock + pyproject.toml) into .venv/.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Paths and DAGSTER_HOME default in asker_pipeline/settings.py (one place); a value set in the
# shell wins: `ASKER_EXPORTS=/tmp/out make run`.

.PHONY: run test dev bench lint lock clean

# Bytecode for our own package, as pip writes it for installed ones. Python writes it on first
# import, unless PYTHONDONTWRITEBYTECODE is set (it is on our machines): then every start would
# compile every module again. Up to date, this takes a few milliseconds.
BYTECODE := $(BIN)/python -m compileall -q asker_pipeline

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## run: materialize every asset on the bundled example data into $(ASKER_WAREHOUSE)
run: $(STAMP)
	$(BYTECODE)
	$(BIN)/python -m asker_pipeline

## test: the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest

## dev: the Dagster UI on http://localhost:3000, on the project's instance (DAGSTER_HOME)
dev: $(STAMP)
	$(BYTECODE)
	$(BIN)/python -m asker_pipeline.settings $(BIN)/dagster dev -w workspace.yaml

## bench: issue 9's benchmarks, figures in the README: the full run against the import floor,
## then the automation latency (a changed workbook -> partner files, with `dagster dev` running)
bench: $(STAMP)
	$(BIN)/python benchmarks/full_run.py; status=$$?; \
	  $(BIN)/python benchmarks/automation_latency.py && exit $$status

lint: $(STAMP)
	$(BIN)/ruff check asker_pipeline tests benchmarks

## lock: re-resolve pyproject.toml and rewrite requirements.lock
lock:
	rm -rf /tmp/asker-lock && $(PYTHON) -m venv /tmp/asker-lock
	/tmp/asker-lock/bin/pip install --quiet --upgrade pip && /tmp/asker-lock/bin/pip install --quiet ".[dev]"
	( echo "# Exact pins for every package, direct and transitive (python 3.11, linux x86_64)."; \
	  echo "# Regenerate: make lock   (resolves pyproject.toml in a scratch venv and freezes it)"; \
	  /tmp/asker-lock/bin/pip freeze --exclude asker-pipeline ) > requirements.lock

## clean: remove the generated warehouse and exports (baseline release files are kept)
clean:
	rm -rf warehouse/asker.duckdb warehouse/asker.duckdb.wal warehouse/asker.duckdb.lock \
	  warehouse/exports warehouse/.exports.* warehouse/.asker.duckdb.*
