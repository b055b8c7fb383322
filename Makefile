# The two commands a newcomer needs are `make run` and `make test` (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install assets lint format check bench clean

## run: install, migrate, create demo data and serve web, worker and scheduler
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

## test: the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)
test: install
	$(BIN)/python -m pytest

install: $(STAMP) assets

$(STAMP): pyproject.toml agent/pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]" -e "./agent[dev]"
	touch $(STAMP)

# Front-end libraries and the Blockfrost mock come from the npm registry.
assets: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy spoguild apps
	$(BIN)/mypy --config-file agent/pyproject.toml agent/src

## bench: speed and memory benchmarks, results in bench/results/
bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules staticfiles
