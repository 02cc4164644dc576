# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Local runs are development runs unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true} SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false}
TEST_ENV := DJANGO_SETTINGS_MODULE=config.test_settings

.PHONY: install run test lint bench clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs exactly the lock file's versions, every file checked against its hash (requirements/dev.txt:
# the app's and the tests' packages; requirements/prod.txt, the app's alone, is what the Dockerfile installs).
$(VENV)/.installed: requirements/dev.txt $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24.2,<27"
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed node_modules/.installed

# The lock files, resolved by uv from pyproject.toml's ranges for Python 3.11 on every platform, with hashes.
# Versions already locked stay unless asked: `make lock UPGRADE="--upgrade-package django"` for one package,
# `make lock UPGRADE=--upgrade` for all.
LOCK_ARGS := --generate-hashes --universal --python-version 3.11 --custom-compile-command "make lock" --quiet
lock: $(VENV)/.installed
	$(BIN)/uv pip compile pyproject.toml $(LOCK_ARGS) $(UPGRADE) -o requirements/prod.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev $(LOCK_ARGS) $(UPGRADE) -o requirements/dev.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt

run: install
	$(RUN_ENV) $(BIN)/python manage.py migrate --no-input
	$(RUN_ENV) $(BIN)/python manage.py load_demo_data
	@echo ""
	@echo "Serving on http://127.0.0.1:$(PORT)/ - sign in with a demo user above."
	$(RUN_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/python -m pytest -n $${TEST_WORKERS:-2} -m "not browser and not commits" $(PYTEST_ARGS)
	# Browser journeys and the tests that commit flush the database between tests, so they run on their own.
	$(TEST_ENV) $(BIN)/python -m pytest -m "browser or commits" $(PYTEST_ARGS)

# Benchmark: `make bench BENCH_ARGS="--scale 10 --requests 50"`, on DATABASE_URL when set.
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 .pytest_cache
