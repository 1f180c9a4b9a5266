# Two commands do everything on a fresh machine: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
STREAMLIT_FLAGS := --server.headless true --server.address 127.0.0.1 --server.port 8501 \
	--browser.gatherUsageStats false
DEMO_DB := sqlite:///$(CURDIR)/data/demo.db
# `make lint` checks the models against the migrations on a fresh schema, never on your data.
LINT_DB := sqlite:///$(CURDIR)/data/.lint-schema.db

.PHONY: run demo test test-fast lint bench browser spreadsheet postgres install validate

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m compileall -q -j 0 $(VENV)/lib > /dev/null || true
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate
	$(PY) -m streamlit run workbench.py $(STREAMLIT_FLAGS)

demo: $(STAMP)
	rm -f data/demo.db data/demo.db-wal data/demo.db-shm
	$(PY) manage.py --db $(DEMO_DB) demo
	WORKBENCH_DB_URL=$(DEMO_DB) $(PY) -m streamlit run workbench.py $(STREAMLIT_FLAGS)

# Browser tests use Debian's Chromium (Playwright cannot download browsers here).
browser:
	@command -v chromium > /dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# The workbook tests re-read an export in LibreOffice Calc, a second spreadsheet application,
# and print it to PDF; Carlito is Calibri's metric twin, so printed widths are Excel's.
spreadsheet:
	@(command -v soffice > /dev/null && fc-list :family=Carlito | grep -q .) || \
		(apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		libreoffice-calc-nogui fonts-crosextra-carlito)

# The records, review and CLI tests also run on a PostgreSQL server the test run starts itself
# (tests/postgres_server.py) from Debian's binaries.
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl > /dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql)

test: $(STAMP) browser spreadsheet postgres
	$(PY) -m pytest -p validation.plugin --validation-results=validation/report/results.json
	$(PY) -m validation.report --results validation/report/results.json

# The validation pack (REQ-VAL-01): runs every req-marked test, writes validation/report/.
validate: $(STAMP)
	$(PY) -m validation.report

test-fast: $(STAMP) postgres
	$(PY) -m pytest -m "not e2e"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict scoring
	rm -f data/.lint-schema.db data/.lint-schema.db-wal data/.lint-schema.db-shm
	mkdir -p data && WORKBENCH_DB_URL=$(LINT_DB) $(PY) manage.py migrate > /dev/null
	WORKBENCH_DB_URL=$(LINT_DB) $(VENV)/bin/alembic check

bench: $(STAMP) postgres
	@for f in benchmarks/bench_*.py; do echo "== $$f"; $(PY) $$f || exit 1; done
