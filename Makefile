# One command for the demo, one for the tests. Both create the virtualenv and install what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_ENV := env -u DATABASE_URL -u REDIS_URL DJANGO_SETTINGS_MODULE=reform.settings.local
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/reform
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: install demo test run-demo serve-demo benchmarks clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The demo: embedded SQLite, tasks in-process, no services needed. `make demo PORT=8001` serves elsewhere;
# `make run-demo` serves the demo already generated, without generating it again.
PORT ?= 8000
DEMO_USERS := "demo-reviewer / reviewer-demo-2026   demo-officer (Hà Nội) / officer-demo-2026   demo-commune (Phường Hoàn Kiếm) / commune-demo-2026   demo-admin / admin-demo-2026"

demo: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_units
	$(DEMO_ENV) $(PY) manage.py create_user demo-reviewer --role reviewer --password reviewer-demo-2026
	$(DEMO_ENV) $(PY) manage.py create_user demo-officer --role entry --unit 01 --password officer-demo-2026
	$(DEMO_ENV) $(PY) manage.py create_user demo-commune --role entry --unit 00070 --password commune-demo-2026
	$(DEMO_ENV) $(PY) manage.py create_user demo-admin --role admin --password admin-demo-2026
	$(DEMO_ENV) $(PY) manage.py demo_data --scale small
	@$(MAKE) --no-print-directory serve-demo

run-demo: install
	@test -f db.sqlite3 || { echo "No demo database yet: run 'make demo' first."; exit 1; }
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	@$(MAKE) --no-print-directory serve-demo

serve-demo:
	@echo ""
	@echo "Demo users:  "$(DEMO_USERS)
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite against real PostgreSQL and Redis (and a real Celery worker, started by the tests).
test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
	DJANGO_SETTINGS_MODULE=reform.settings.test $(PY) -m pytest $(PYTEST_ARGS)

benchmarks: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) benchmarks/compliance.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
