# ar-cli: `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := .demo
DEMO_DB := $(DEMO_DIR)/ledger.sqlite
# The sample practice is generated around this date; the demo posts and reports as of it,
# so its output is the same on any day.
ANCHOR := 2026-06-30
AR := $(BIN)/ar-cli --db $(DEMO_DB) --user demo

.PHONY: demo test venv bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@echo "== ar-cli demo: the sample practice, as of $(ANCHOR) =="
	$(AR) claims import sample_data/claims.csv --posting-date $(ANCHOR)
	$(AR) payers list
	$(AR) claims list --from 2026-06-01 --limit 15
	@echo "Ledger: $(DEMO_DB)  (try: $(BIN)/ar-cli --db $(DEMO_DB) claims list)"

test: $(STAMP)
	bash .ci/ensure-postgres.sh
	AR_TEST_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_claims_import.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .hypothesis
