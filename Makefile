# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test screenshot bench forms clean system package i18n

$(BIN)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(BIN)/.installed
	@$(BIN)/python -m paragon_desktop.syscheck >/dev/null || { \
	  echo "Run 'make system' to install them (sudo apt-get), then 'make run' again."; exit 1; }
	$(BIN)/paragon-desktop

# The system libraries Qt's window plugin and QtWebEngine need (Debian/Ubuntu), as `make run` names them.
system: $(BIN)/.installed
	@packages="$$($(BIN)/python -m paragon_desktop.syscheck --packages)"; \
	if [ -z "$$packages" ]; then echo "Nothing to install."; else \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  echo "$$sudo apt-get install $$packages"; $$sudo apt-get install -y $$packages; fi

test: $(BIN)/.installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

screenshot: $(BIN)/.installed
	$(BIN)/paragon-desktop screenshot docs/screenshot.png

bench: $(BIN)/.installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_refresh.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_cold_start.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_layers.py
	$(BIN)/python bench/bench_territory.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_feeds.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/bench_shared_server.py
	$(BIN)/python bench/bench_write_path.py
	$(BIN)/python bench/bench_database_care.py

# The Linux bundle (PyInstaller, one folder with QtWebEngine, Leaflet and the resources) in
# build/dist/paragon-desktop; packaging/linux/install.sh installs it with a desktop entry.
# Windows: see packaging/windows/paragon-desktop.iss.
package: $(BIN)/.installed
	$(BIN)/pyinstaller --noconfirm --distpath build/dist --workpath build/pyinstaller packaging/paragon-desktop.spec
	cp packaging/linux/paragon-desktop.desktop packaging/linux/paragon-desktop.svg build/dist/paragon-desktop/
	@echo "Bundle: build/dist/paragon-desktop (install: packaging/linux/install.sh)"

# Compile the Qt Designer forms of ui/ into the package (a test checks they are current).
forms: $(BIN)/.installed
	for form in ui/*.ui; do \
	  $(BIN)/pyside6-uic "$$form" -o "src/paragon_desktop/ui/forms/ui_$$(basename "$$form" .ui).py"; \
	done

# The translation catalogues: extract what the code marks (_, N_, ngettext) and merge it into
# resources/i18n/{fr,en}.po, and the error templates into errors-{nl,fr}.po; new entries come
# empty, and a test fails until they are translated.
I18N := src/paragon_desktop/resources/i18n
# Errors are English templates raised by these classes (or marked E_/error_text); their
# catalogues translate them into Dutch and French.
ERROR_KEYWORDS := E_ error_text ParagonError ValidationError SignInError AccessDenied NotFound \
  NotAvailable StorageFull LayerReadError LayerReadCancelled LayerExportError BackupError \
  DamagedDatabase BasemapError TileSourceError ServiceError MailError
i18n: $(BIN)/.installed
	mkdir -p build
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k N_ -k ngettext:1,2 -k translate:2 \
	  --project "Paragon Desktop" -o build/messages.pot .
	for lang in fr en; do \
	  $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -w 100 \
	    -i build/messages.pot -l $$lang -o $(I18N)/$$lang.po; \
	done
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg --no-default-keywords \
	  $(foreach k,$(ERROR_KEYWORDS),-k $(k)) --project "Paragon Desktop" -o build/errors.pot .
	for lang in nl fr; do \
	  $(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete -w 100 \
	    -i build/errors.pot -l $$lang -o $(I18N)/errors-$$lang.po; \
	done

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
