# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLUGIN_FILES := $(shell find plugins/dbt-chdb -type f -not -path '*/__pycache__/*' -not -path '*egg-info*' -not -path 'plugins/dbt-chdb/tests/*')

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: venv chromium demo test pytest lint dbt-check docs bench clean

# The virtual environment: exact versions from requirements.lock, then this project and its
# chdb dbt adapter plugin (plugins/dbt-chdb). Re-runs only when those files change.
$(STAMP): requirements.lock pyproject.toml $(PLUGIN_FILES)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps ./plugins/dbt-chdb
	$(BIN)/python -m pip install -q --no-deps -e .
	rm -rf plugins/dbt-chdb/build plugins/dbt-chdb/*.egg-info
	touch $@

venv: $(STAMP)

# The main job on the embedded default (chDB in ./.chdb): synthetic sample -> raw tables -> dbt build.
demo: venv
	FLOWS_CHDB_PATH=$${FLOWS_CHDB_PATH:-.chdb} scripts/sample_build.sh --show

# Everything CI checks, the quick lint first. Any failure, lint error or an empty test run fails
# the target.
test: lint pytest dbt-check

pytest: venv chromium
	$(BIN)/python -m pytest

# Debian's chromium, for the docs-site test (pytests/test_docs_site.py); installed when missing.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

lint: venv
	$(BIN)/sqlfluff lint models macros tests analyses

# dbt build (models, seeds and every dbt test) on the synthetic sample, in a throw-away chDB path.
dbt-check: venv
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	FLOWS_CHDB_PATH=$$tmp/chdb DBT_TARGET_PATH=$$tmp/target SAMPLE_DIR=$$tmp/sample scripts/sample_build.sh

# The dbt docs site with its catalog, served on http://localhost:8080.
docs: venv
	FLOWS_CHDB_PATH=$${FLOWS_CHDB_PATH:-.chdb} $(BIN)/dbt docs generate
	$(BIN)/dbt docs serve --port $${DOCS_PORT:-8080} --no-browser

bench: venv
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.bench_node

clean:
	rm -rf target logs .chdb data/sample
