# PAR Index — everything a developer or an installer runs. `make run` and `make test` first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/parindex
export PG_URL
# The parts of `make test`: each one runs even when an earlier one failed; a summary ends the run.
TEST_PARTS := lint test-sqlite test-pg test-e2e
TEST_LOGS := var/test-logs
# Property tests: the "ci" profile of conftest.py (fixed example count, no deadline, no too_slow).
export HYPOTHESIS_PROFILE ?= ci
# Tests must not pick up a developer's .env database.
SQLITE_TEST_URL := sqlite:///$(CURDIR)/var/test.sqlite3

# The app is not installed as a package: pip installs what pyproject.toml lists, pinned by constraints.txt.
define PRINT_DEPS
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
endef
export PRINT_DEPS

# Exit 0: PostgreSQL at $PG_URL takes the login; 2: nothing answers there; 3: the server answers
# but refuses the login (wrong user, password, pg_hba.conf). pytest creates test_<db> from the
# `postgres` database, so a login to either database will do.
define PG_PROBE
import os, socket, sys
import psycopg
from psycopg.conninfo import conninfo_to_dict
url = os.environ["PG_URL"]
info = conninfo_to_dict(url)
host, port = info.get("host") or "", int(info.get("port") or 5432)
where = f"{host or 'socket'}:{port}"
if host and not host.startswith("/"):
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as error:
        print(f"== PostgreSQL không trả lời tại {where} ({error.strerror or error}): bỏ qua lượt kiểm thử trên PostgreSQL")
        sys.exit(2)
problem = None
for dbname in (info.get("dbname"), "postgres"):
    try:
        psycopg.connect(url, dbname=dbname, connect_timeout=5).close()
        sys.exit(0)
    except psycopg.OperationalError as error:
        problem = problem or str(error).strip().splitlines()[-1]
if "FATAL" not in problem and not host:
    print(f"== PostgreSQL không trả lời tại {where}: bỏ qua lượt kiểm thử trên PostgreSQL")
    sys.exit(2)
print(f"== PostgreSQL tại {where} từ chối đăng nhập với PG_URL={url}: {problem}")
print("   Sửa PG_URL (người dùng, mật khẩu, tên CSDL) hoặc pg_hba.conf rồi chạy lại.")
sys.exit(3)
endef
export PG_PROBE

.PHONY: help setup migrate seed static run dev lint format test test-sqlite test-pg test-e2e test-stress bench clean

help:
	@echo "make run   – cài đặt, tạo CSDL, nạp dữ liệu mẫu, chạy tại http://$(HOST):$(PORT)"
	@echo "make test  – chạy toàn bộ kiểm thử (SQLite, PostgreSQL nếu có, Chromium)"
	@echo "make test-stress – như make test khi mọi lõi CPU đều bận, thêm 2 lượt Chromium"

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

# Every part runs, whatever the one before it did, so that one red part hides none of the others;
# the run fails at the end when any part failed, with one line per part.
test: setup
	@mkdir -p $(TEST_LOGS); rm -f $(TEST_LOGS)/*.log $(TEST_LOGS)/*.code $(TEST_LOGS)/*.skipped; status=0; \
	for part in $(TEST_PARTS); do \
		echo "== $$part"; \
		$(MAKE) --no-print-directory $(addprefix -f ,$(MAKEFILE_LIST)) $$part 2>&1 | tee $(TEST_LOGS)/$$part.log; \
		code=$${PIPESTATUS[0]}; \
		if [ $$code -ne 0 ]; then status=1; fi; \
		echo $$code > $(TEST_LOGS)/$$part.code; \
	done; \
	echo ""; echo "== Tóm tắt make test"; \
	for part in $(TEST_PARTS); do \
		code=$$(cat $(TEST_LOGS)/$$part.code); \
		if [ -e $(TEST_LOGS)/$$part.skipped ]; then result="BỎ QUA"; \
		elif [ "$$code" = 0 ]; then result="ĐẠT"; else result="LỖI (mã $$code)"; fi; \
		counts=$$(grep -E '^(=+ )?[0-9]+ (passed|failed|errors?|skipped|deselected)\b|no tests ran' $(TEST_LOGS)/$$part.log | tail -n 1 | sed -E 's/^=+ | =+$$//g'); \
		printf '%-12s %-14s %s\n' "$$part" "$$result" "$$counts"; \
	done; \
	if [ $$status -ne 0 ]; then echo "make test: CÓ PHẦN LỖI (xem $(TEST_LOGS)/)"; fi; \
	exit $$status

test-sqlite: setup
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest -m "not e2e" -q

test-pg: setup
	@mkdir -p $(TEST_LOGS); rm -f $(TEST_LOGS)/test-pg.skipped; \
	$(BIN)/python -c "$$PG_PROBE"; probe=$$?; \
	if [ $$probe -eq 0 ]; then \
		echo "== PostgreSQL: $(PG_URL)"; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not e2e" -q; \
	elif [ $$probe -eq 2 ]; then \
		touch $(TEST_LOGS)/test-pg.skipped; \
	else \
		exit 1; \
	fi

test-e2e: setup
	@test -x /usr/bin/chromium || { echo "Thiếu /usr/bin/chromium: apt-get install -y chromium"; exit 1; }
	DATABASE_URL=$(SQLITE_TEST_URL) $(BIN)/pytest tests/e2e -m e2e -q

# The suite on a busy machine: one CPU burner per core (each stopped after STRESS_LIMIT at the
# latest, and when the run ends), the whole suite once, then the browser part twice more.
# A whole run on a loaded 2-core machine took 95 min: the safety limit must outlast it, or the
# last browser round runs on an idle machine (the trap stops the burners when the run ends).
STRESS_LIMIT ?= 4h
test-stress: setup
	@burners=""; for _ in $$(seq $$(nproc)); do timeout $(STRESS_LIMIT) yes > /dev/null & burners="$$burners $$!"; done; \
	trap 'kill $$burners 2>/dev/null' EXIT; status=0; start=$$SECONDS; \
	echo "== test-stress: $$(nproc) lõi bận (yes), bộ kiểm thử đầy đủ rồi thêm 2 lượt Chromium"; \
	$(MAKE) --no-print-directory $(addprefix -f ,$(MAKEFILE_LIST)) test || status=1; \
	timings="make test: $$((SECONDS - start)) s"; \
	for round in 2 3; do \
		begin=$$SECONDS; echo "== test-e2e, lượt $$round/3"; \
		$(MAKE) --no-print-directory $(addprefix -f ,$(MAKEFILE_LIST)) test-e2e || status=1; \
		timings="$$timings; test-e2e lượt $$round: $$((SECONDS - begin)) s"; \
	done; \
	echo ""; echo "== test-stress: $$timings; tổng $$((SECONDS - start)) s"; \
	if [ $$status -ne 0 ]; then echo "test-stress: CÓ LƯỢT LỖI"; fi; \
	exit $$status

bench: setup
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) var/staticfiles *.egg-info
