# Two commands matter: `make run` and `make test` (see README.md).
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
FLASK := $(VENV)/bin/flask --app grants
APT_PACKAGES := poppler-utils libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
TEST_APT_PACKAGES := chromium
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-sqlite test-postgres deps system-deps translations extract-messages lint clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

deps: system-deps $(VENV)/.synced translations

system-deps:
	@missing=""; for p in $(APT_PACKAGES) $(if $(filter test,$(MAKECMDGOALS)),$(TEST_APT_PACKAGES)); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null || \
	      { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing >/dev/null; }; \
	  else echo "please install these Debian packages (as root):$$missing"; fi; \
	fi

translations: $(VENV)/.synced
	@$(VENV)/bin/pybabel compile -d grants/translations

extract-messages: $(VENV)/.synced
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o grants/translations/messages.pot.new --no-location --sort-output --width 120 --ignore-dirs ".* __pycache__" .
	@# a template that differs only by its creation date is left as it is, so that a second run changes nothing
	@if diff -q -I '^"POT-Creation-Date' grants/translations/messages.pot grants/translations/messages.pot.new >/dev/null 2>&1; \
	then rm grants/translations/messages.pot.new; else mv grants/translations/messages.pot.new grants/translations/messages.pot; fi
	$(VENV)/bin/pybabel update -i grants/translations/messages.pot -d grants/translations --no-fuzzy-matching --ignore-obsolete --width 120 --ignore-pot-creation-date

run: deps
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host $(HOST) --port $(PORT)

# lint-imports checks the one-way layers of grants/ (pyproject.toml [tool.importlinter]; docs/architecture.md).
lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# With TEST_DATABASE_URL set, the SQLite and PostgreSQL runs go side by side (one core each); each
# run's output is printed whole when it ends. Tests that need Redis use databases of their own per run
# (tests/helpers.py redis_test_url).
test: deps lint
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  $(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres; \
	else $(MAKE) --no-print-directory test-sqlite; fi

test-sqlite:
	env -u TEST_DATABASE_URL $(VENV)/bin/pytest

test-postgres:
	@echo "== the suite against $$TEST_DATABASE_URL"
	$(VENV)/bin/pytest

clean:
	rm -rf $(VENV) .tools .pytest_cache

# `make bench`: every request of issue 14 against its floor at 1,000 and 20,000 lots, one JSON line per
# measurement (bench/bench_pages.py, docs/performance.md#how-it-is-measured). SQLite files under
# instance/ by default; `make bench DB=postgres` uses PostgreSQL databases named after BENCH_DATABASE_URL
# with the size appended (bench_1000, bench_20000), created and filled by seed-bench once and reused.
# BENCH_ARGS passes options, e.g. BENCH_ARGS=--quick (1,000 and 3,000 lots, 5 runs).
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/bench
BENCH_ARGS ?=

.PHONY: bench
bench: deps
	$(VENV)/bin/python -X faulthandler bench/bench_pages.py $(if $(filter postgres,$(DB)),--database-url $(BENCH_DATABASE_URL)) $(BENCH_ARGS)

.PHONY: bench-throughput
# gunicorn (2 workers) under ApacheBench on loopback: GET /api/v1/lots against its floor route, on the
# 20,000-lot PostgreSQL database of `make bench DB=postgres`, or on a SQLite file of 1,000 lots.
bench-throughput: deps
	@command -v ab >/dev/null || { [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q apache2-utils >/dev/null; } || echo "please install apache2-utils"
	$(VENV)/bin/python bench/bench_throughput.py $(if $(filter postgres,$(DB)),--database-url $(BENCH_DATABASE_URL)_20000)

# The statistics API and the dashboard alone (bench/bench_analytics.py; make bench measures them too).
.PHONY: bench-analytics
bench-analytics: deps
	$(VENV)/bin/python bench/bench_analytics.py $(if $(filter postgres,$(DB)),--database-url $(BENCH_DATABASE_URL))

.PHONY: loadtest
loadtest: deps
	$(VENV)/bin/python bench/loadtest.py

# PNGs of the key pages (kk and ru, desktop and phone) and of a report's first page into
# docs/screenshots/, shown in README.md; needs Chromium and poppler-utils (pdftoppm).
.PHONY: screenshots
screenshots: deps
	$(VENV)/bin/python scripts/screenshots.py --out docs/screenshots
