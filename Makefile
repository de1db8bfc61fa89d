# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test screenshot bench clean

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/.installed
	$(BIN)/paragon-desktop

test: $(BIN)/.installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

screenshot: $(BIN)/.installed
	$(BIN)/paragon-desktop screenshot docs/screenshot.png

bench: $(BIN)/.installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_refresh.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_cold_start.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_layers.py

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
