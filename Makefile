# The two commands of the README:
#   make book   build the book (installs what is missing first)
#   make test   run every test: unit tests, every notebook under nbval, the book build
# For instructors (see book/instructor_guide.md):
#   make student                     the student edition in _student/ (no solutions)
#   make student-book                its HTML in _student/_build/html
#   make grade SUBMISSIONS=folder    autograde submissions into scores.csv
VENV ?= .venv
BIN := $(VENV)/bin
JB_FLAGS := --warningiserror --keep-going

.PHONY: book test setup unit notebooks build-book benchmark clean student student-book grade

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

student: setup
	$(BIN)/python -m aeutils.student --out _student

student-book: student
	$(BIN)/jupyter-book build _student $(JB_FLAGS)
	@echo "Open _student/_build/html/index.html"

grade: setup
	@test -n "$(SUBMISSIONS)" || (echo "usage: make grade SUBMISSIONS=folder" && exit 2)
	$(BIN)/python -m aeutils.grade $(SUBMISSIONS) --out scores.csv

clean:
	rm -rf _build _student
