# The two commands of the README:
#   make book   build the book (installs what is missing first)
#   make test   run every test: unit tests, every notebook under nbval, the
#               book build (-W) and the browser test of the built pages
# For instructors (see book/instructor_guide.md):
#   make student                     the student edition in _student/ (no solutions)
#   make student-book                its HTML in _student/_build/html
#   make grade SUBMISSIONS=folder    autograde submissions into scores.csv
VENV ?= .venv
BIN := $(VENV)/bin
JB_FLAGS := --warningiserror --keep-going
# The test build: same sources, MathJax served locally (no network in CI).
TEST_BUILD := _build/test
TEST_HTML := $(TEST_BUILD)/_build/html
NBVAL := --nbval-lax --nbval-current-env -p no:cacheprovider

.PHONY: book test setup unit notebooks build-book test-book browser format check-format benchmark check-latest clean student student-book grade

book: setup build-book

test: setup
	$(BIN)/python -m pytest tests --ignore=tests/browser -q
	$(MAKE) --no-print-directory test-book
	$(BIN)/python -m pytest book $(NBVAL)

setup:
	bash scripts/setup.sh

build-book:
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Open _build/html/index.html"

# Build the book for the browser test, then open every page in Chromium.
test-book:
	$(BIN)/python scripts/test_build_config.py $(TEST_BUILD)/config.yml
	$(BIN)/jupyter-book build . $(JB_FLAGS) --config $(TEST_BUILD)/config.yml --path-output $(TEST_BUILD)
	$(MAKE) --no-print-directory browser

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

benchmark: setup
	$(BIN)/python benchmarks/run.py

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
