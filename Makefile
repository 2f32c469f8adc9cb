# The two commands of the README (`make run`, `make test`) and a few more.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
DB     := db/rekomendacje.db
PORT   ?= 8001

.PHONY: run install build serve test browser evaluate benchmarks lint clean

run: build serve

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

build: install
	$(PY) -m pipeline build notes --db $(DB)

serve: install
	$(PY) -m pipeline serve --db $(DB) --port $(PORT)

# Headless Chromium for the browser tests comes from Debian's packages.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' (browser tests will be skipped)"; fi; }

test: install browser
	$(PY) -m pytest

evaluate: install
	$(PY) -m pipeline evaluate evaluation/dev-gold.jsonl

lint: install
	$(VENV)/bin/ruff check pipeline tests benchmarks db
	$(VENV)/bin/ruff format --check pipeline tests benchmarks db

clean:
	rm -rf $(VENV) db/*.db db/.build-* .pytest_cache
