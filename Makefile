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
# Exit 1 means "done, and something needs a human" (an exception): fine for a demo.
OK1 := || test $$? -eq 1

.PHONY: demo test lint duplicates-baseline venv bench reliability clean readme golden golden-differential

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@echo "== ar-cli demo: the sample practice, as of $(ANCHOR) =="
	$(AR) claims import sample_data/claims.csv --posting-date $(ANCHOR) $(OK1)
	$(AR) payers list
	$(AR) era show sample_data/eras/02_acme_20260515.835 --format csv --output $(DEMO_DIR)/era02.csv
	@head -n 6 $(DEMO_DIR)/era02.csv
	$(AR) post era sample_data/eras --posting-date $(ANCHOR) $(OK1)
	$(AR) exceptions list
	$(AR) claims list --from 2026-04-20 --to 2026-04-30
	@echo "Ledger: $(DEMO_DB)  (try: $(BIN)/ar-cli --db $(DEMO_DB) claims list)"
	$(AR) aging --as-of $(ANCHOR)
	$(AR) denials list --by-category --as-of $(ANCHOR)
	mkdir -p $(DEMO_DIR)/reports
	$(AR) report nightly --output $(DEMO_DIR)/reports --as-of $(ANCHOR) $(OK1)
	@echo "Nightly report: $(DEMO_DIR)/reports/$(ANCHOR)/report.html"
	$(AR) queue --limit 10 --as-of $(ANCHOR)

# The gates, each run even when one before it failed, so one run shows every finding:
# lint and format (ruff, whole tree), types (mypy, the packages held to it), the import
# layers, and no new repeated code in ar_cli/ (.ci/duplicates_gate.py). About 15 s.
MYPY_GATED := ar_cli/domain ar_cli/x12

lint: $(STAMP)
	@failed=""; \
	echo "== ruff check"; $(BIN)/ruff check . || failed="$$failed ruff-check"; \
	echo "== ruff format --check"; $(BIN)/ruff format --check --output-format concise . || failed="$$failed ruff-format"; \
	echo "== mypy $(MYPY_GATED)"; $(BIN)/mypy $(MYPY_GATED) || failed="$$failed mypy"; \
	echo "== import layers"; $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_layers.py || failed="$$failed layers"; \
	echo "== duplicates"; $(BIN)/python .ci/duplicates_gate.py || failed="$$failed duplicates"; \
	if [ -n "$$failed" ]; then echo "make lint failed:$$failed"; exit 1; fi

# After a reviewed change that moves or accepts repeated code: rewrite the baseline.
duplicates-baseline: $(STAMP)
	$(BIN)/python .ci/duplicates_gate.py --update

test: lint
	bash .ci/ensure-postgres.sh
	AR_TEST_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest -q

# README.md's outputs, run again: cog runs the blocks in README.md (docs/readme_runs.py builds
# the demo ledger with this Makefile's demo recipe in a temporary folder, then runs each shown
# command there) and writes what they print. tests/test_readme.py fails when they differ.
readme: $(STAMP)
	$(BIN)/cog -r -I docs README.md

# The golden JSON of `ar-cli era show` for each 835 of ../shared/x12 (tests/golden/era/),
# written again: review the diff before committing it. tests/x12/test_era_golden.py compares.
golden: $(STAMP)
	AR_GOLDEN_WRITE=1 $(BIN)/python -m pytest -q tests/x12/test_era_golden.py

# The differential test's goldens (tests/differential/golden/: every ledger fact after posting
# the shared 835s, the sample practice and generated files), written again from SQLite, then
# PostgreSQL compared with them: only when a change in what posting writes is meant; review the diff.
golden-differential: $(STAMP)
	AR_GOLDEN_WRITE=1 $(BIN)/python -m pytest -q tests/differential

# The long reliability run (tests/reliability/long_run.py): 50 kill trials, 4 writers x
# 1,000 payments per database, 10,000 mutated 835s per database; prints its figures.
reliability: $(STAMP)
	bash .ci/ensure-postgres.sh
	PYTHONPATH=tests $(BIN)/python -m reliability.long_run

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_claims_import.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .hypothesis .mypy_cache .ruff_cache
