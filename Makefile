# The two commands of the README:
#   make book   build the book (installs what is missing first)
#   make test   run every test: unit tests, every notebook under nbval, the book build
VENV ?= .venv
BIN := $(VENV)/bin
JB_FLAGS := --warningiserror --keep-going

.PHONY: book test setup unit notebooks build-book benchmark check-latest clean

book: setup build-book

test: setup
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	$(BIN)/python -m pytest tests book --nbval-lax --current-env -p no:cacheprovider

setup:
	bash scripts/setup.sh

build-book:
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Open _build/html/index.html"

unit: setup
	$(BIN)/python -m pytest tests

notebooks: setup
	$(BIN)/python -m pytest book --nbval-lax --current-env

benchmark: setup
	$(BIN)/python benchmarks/run.py

check-latest:
	bash scripts/check_latest.sh

clean:
	rm -rf _build
