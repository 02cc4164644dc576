# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Local runs are development runs unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true} SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false}
TEST_ENV := DJANGO_SETTINGS_MODULE=config.test_settings

.PHONY: install run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install: $(VENV)/.installed node_modules/.installed

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
