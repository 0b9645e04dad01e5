# Variorum: the two commands a newcomer needs are `make run` and `make test`.
# Both create the virtual environment in .venv when it is missing and install the
# project (editable) with what it needs; nothing else has to be on the machine but Python.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SAMPLE := samples/mikoyan-telegram-1956-09-19.variorum.xml

.PHONY: run test bench lint clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/variorum $(SAMPLE)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.bench.run

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_screenshots.py
	QT_QPA_PLATFORM=offscreen $(BIN)/variorum --study $(SAMPLE) --screenshot docs/images/study.png --size 1600x1000
	QT_QPA_PLATFORM=offscreen $(BIN)/python samples/make_facsimiles.py --screenshot docs/images/facsimile.png

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis
