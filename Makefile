# The two commands of the README:
#   make book   build the book (installs what is missing first)
#   make test   run every test, each notebook executed once: unit tests,
#               every notebook under nbval (which writes the executed
#               notebooks), the book built from them (-W, no execution)
#               and the browser test of the built pages
# For instructors (see book/instructor_guide.md):
#   make student                     the student edition in _student/ (no solutions)
#   make student-book                its HTML in _student/_build/html
#   make grade SUBMISSIONS=folder    autograde submissions into scores.csv
VENV ?= .venv
BIN := $(VENV)/bin
JB_FLAGS := --warningiserror --keep-going
# The test build: the notebooks nbval executed (in EXECUTED), rendered
# without executing again, MathJax served locally (no network in CI).
EXECUTED := _build/executed
TEST_BUILD := _build/test
TEST_HTML := $(TEST_BUILD)/_build/html
NBVAL := --nbval-lax --nbval-current-env -p no:cacheprovider -p course.executed
# The notebooks nbval runs: all of book/, or one CI part (CHAPTERS_PART=1/2,
# 2/2, or gather: the pages that read the other chapters' results).
CHAPTERS ?= $(if $(CHAPTERS_PART),$(shell $(BIN)/python -m course.executed --part $(CHAPTERS_PART)),book)
MAKE_STAGE := $(MAKE) --no-print-directory

.PHONY: book test setup unit notebooks build-book test-unit test-notebooks build-test-book test-book browser format check-format benchmark check-latest clean student student-book grade

book: setup build-book

# The stages in order; a table of stages and seconds, and each notebook's
# seconds under nbval, is printed at the end (also after a failure).
test: setup
	$(BIN)/python -m course.stages --executed $(EXECUTED) --json _build/stages.json \
	  "unit tests=$(MAKE_STAGE) test-unit" \
	  "notebooks under nbval=$(MAKE_STAGE) test-notebooks" \
	  "book build, no execution=$(MAKE_STAGE) build-test-book" \
	  "browser test=$(MAKE_STAGE) browser"

test-unit:
	$(BIN)/python -m pytest tests --ignore=tests/browser -q

# Every notebook under nbval, once; each one that passes is written with its
# outputs to $(EXECUTED) for the test build.
test-notebooks:
	@test -n "$(strip $(CHAPTERS))" || (echo "CHAPTERS_PART=$(CHAPTERS_PART) selects no notebook" && exit 2)
	$(BIN)/python -m pytest $(CHAPTERS) $(NBVAL) --executed-dir $(EXECUTED)

# The book from the executed notebooks (execute_notebooks: off), -W.
build-test-book:
	$(BIN)/python -m course.prebuilt $(EXECUTED) $(TEST_BUILD)

setup:
	bash scripts/setup.sh

build-book:
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Open _build/html/index.html"

# Build the test book from the executed notebooks, then open every page in Chromium.
test-book:
	$(MAKE_STAGE) build-test-book
	$(MAKE_STAGE) browser

# The browser test alone, on an existing test build (screenshots in _build/screenshots).
browser:
	REQUIRE_BOOK=1 BOOK_HTML=$(TEST_HTML) $(BIN)/python -m pytest tests/browser -q

unit: setup
	$(BIN)/python -m pytest tests --ignore=tests/browser

notebooks: setup
	$(BIN)/python -m pytest book $(NBVAL)

# Format every notebook's code cells to the book's 79 columns (nbQA + ruff).
format:
	$(BIN)/python -m nbqa "ruff format" book --line-length=79

check-format:
	$(BIN)/python -m nbqa "ruff format" book --line-length=79 --check

# RECORD="machine label" also stores the chapter times in
# benchmarks/chapter_times.json (the intro's chapter map and the instructor
# guide show them).
benchmark: setup
	$(BIN)/python benchmarks/run.py $(if $(RECORD),--record "$(RECORD)")

student: setup
	$(BIN)/python -m course.student --out _student

student-book: student
	$(BIN)/jupyter-book build _student $(JB_FLAGS)
	@echo "Open _student/_build/html/index.html"

grade: setup
	@test -n "$(SUBMISSIONS)" || (echo "usage: make grade SUBMISSIONS=folder" && exit 2)
	$(BIN)/python -m course.grade $(SUBMISSIONS) --out scores.csv

check-latest:
	bash scripts/check_latest.sh

clean:
	rm -rf _build _student
