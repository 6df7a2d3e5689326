# The two commands: `make run` and `make test`. Nothing else needs to be installed beyond Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails and calendar invitations point at the server `make run` starts, unless SITE_URL says otherwise.
export SITE_URL ?= http://$(HOST):$(PORT)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck check bench clean

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required (found " + sys.version.split()[0] + ").")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.python-ok requirements.txt
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "  Mentorship is starting at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	@$(PY) manage.py seed_demo --print-logins
	@echo "  Ctrl-C stops web, worker and beat."
	@echo
	@# --env /dev/null: honcho would read ./.env (docker compose's, copied from .env.example) into web, worker and
	@# beat only, so its SITE_URL or EMAIL_BACKEND changed them and not the migrate and seed_demo above.
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho --procfile Procfile.dev --no-prefix start --env /dev/null

# The suite runs in one pytest-xdist process per core (`auto`); PYTEST_WORKERS=1 runs it in this one process, as
# `.venv/bin/pytest` alone does; any other number is that many processes. `--dist load` hands tests out in
# pytest-django's order, so each process still runs its transactional tests (which empty every table, the seeded
# languages and specialties too) after its ordinary ones, as Django's own runner does; `worksteal` and `loadfile`
# do not keep that order, and ordinary tests then ran on emptied tables.
PYTEST_WORKERS ?= auto
XDIST_ARGS := $(if $(filter 1,$(strip $(PYTEST_WORKERS))),,-n $(strip $(PYTEST_WORKERS)) --dist load)

test: $(VENV)/.installed-dev
	$(VENV)/bin/pytest $(XDIST_ARGS) $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(VENV)/bin/mypy .

check: lint typecheck test

bench: $(VENV)/.installed-dev
	$(PY) bench/matching.py

clean:
	rm -rf var/celery-broker var/celerybeat-schedule* var/test-artifacts
