# The two commands a newcomer needs: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install install-test assets chromium nginx ldap collectstatic lint deploy-check cluster bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed | ldap
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(PY) -m pip install --quiet -e ".[test,bench]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed
install-test: $(VENV)/.installed-test node_modules/.installed
assets: node_modules/.installed

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# LDAP mode and its tests: python-ldap builds against libldap2-dev and libsasl2-dev; the
# tests start their own slapd on a loopback port (ldap-utils seeds it).
LDAP_DEBS := libldap2-dev libsasl2-dev slapd ldap-utils
ldap:
	@missing=$$(for deb in $(LDAP_DEBS); do dpkg -s $$deb >/dev/null 2>&1 || echo $$deb; done); \
	[ -z "$$missing" ] || { \
		echo "Installing Debian's" $$missing "for LDAP"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo
	@echo "Das Portal läuft auf http://$(HOST):$(PORT)/ (Strg+C beendet)."
	DEBUG=1 $(PY) -m intranet.serve -v 0 -b $(HOST) -p $(PORT) intranet.asgi:application

# The test run uses production-like settings (DEBUG off), so static files are collected first.
collectstatic: install
	$(PY) manage.py collectstatic --noinput -v0

test: install-test chromium nginx ldap collectstatic
	$(PY) -m pytest $(PYTEST_ARGS)

nginx:
	@command -v nginx >/dev/null 2>&1 || { \
		echo "Installing Debian's nginx for the cluster"; \
		SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq nginx >/dev/null; }

# A production-like cluster on loopback: nginx + 2 daphne + PostgreSQL + Redis (Ctrl+C stops it).
cluster: install-test nginx
	$(PY) -m bench.cluster

# Every benchmark in bench/, each against its reference in the same run; writes bench/RESULTS.md.
# Needs PostgreSQL and Redis on 127.0.0.1 (BENCH_DATABASE_URL, default .../portal_bench, is
# created, migrated and seeded by the scripts; BENCH_REDIS_URL, default db 9). BENCH_QUICK=1
# for a short trial run, BENCH_TIMEOUT=seconds per script (default 900).
bench: $(VENV)/.installed-bench node_modules/.installed nginx
	$(PY) -m bench.run_all

lint: install-test
	$(PY) -m ruff check .

deploy-check: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=portal.stadt.example CSRF_TRUSTED_ORIGINS=https://portal.stadt.example \
	SECURE_SSL_REDIRECT=1 $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules var .pytest_cache
