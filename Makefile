# PAR Index — everything a developer or an installer runs. `make run` and `make test` first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/parindex
PG_PROBE := import psycopg; psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
# Tests must not pick up a developer's .env database.
SQLITE_TEST_URL := sqlite:///$(CURDIR)/var/test.sqlite3

# The app is not installed as a package: pip installs what pyproject.toml lists, pinned by constraints.txt.
define PRINT_DEPS
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
endef
export PRINT_DEPS

.PHONY: help setup migrate seed static run dev lint format test test-sqlite test-pg test-e2e bench clean

help:
	@echo "make run   – cài đặt, tạo CSDL, nạp dữ liệu mẫu, chạy tại http://$(HOST):$(PORT)"
	@echo "make test  – chạy toàn bộ kiểm thử (SQLite, PostgreSQL nếu có, Chromium)"

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -c "$$PRINT_DEPS" | $(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt -r /dev/stdin
	@touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput -v0

seed: migrate
	$(BIN)/python manage.py seed_demo --quiet-logins

static: setup
	$(BIN)/python manage.py collectstatic --noinput -v0

run: seed static
	@$(BIN)/python manage.py seed_demo | tail -n +2
	@echo ""
	@echo "PAR Index đang chạy tại http://$(HOST):$(PORT)  (Ctrl+C để dừng)"
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT)

dev: seed
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint test-sqlite test-pg test-e2e

test-sqlite: setup
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -m "not e2e" -q

test-pg: setup
	@if $(BIN)/python -c '$(PG_PROBE)' 2>/dev/null; then \
		echo "== PostgreSQL: $(PG_URL)"; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e" -q; \
	else \
		echo "== PostgreSQL không trả lời tại 127.0.0.1:5432: bỏ qua lượt kiểm thử trên PostgreSQL"; \
	fi

test-e2e: setup
	@test -x /usr/bin/chromium || { echo "Thiếu /usr/bin/chromium: apt-get install -y chromium"; exit 1; }
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest tests/e2e -m e2e -q

bench: setup
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var/staticfiles *.egg-info
