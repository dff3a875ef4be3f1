# Sitrep: two commands do all the set-up on a fresh machine with python3 and make.
#   make site   -> .venv with pinned dependencies, build the public site into site/ (validating the records once)
#   make test   -> the same plus dev dependencies, then the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# Material's end-of-life notice is covered in the README; keep build logs about the records.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site site-internal serve validate test test-fast lint bench zensical clean help

help:
	@echo "make site           build the public edition into site/"
	@echo "make site-internal  build the internal edition into site-internal/"
	@echo "make serve          live preview on http://127.0.0.1:8000/"
	@echo "make validate       check every record (same checks as CI)"
	@echo "make test           run the whole test suite"
	@echo "make bench          run the benchmarks and print their figures"
	@echo "make zensical       build the public edition with Zensical into zensical/site/"

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { echo "error: '$(PYTHON) -m venv' failed; on Debian run: apt-get install -y python3-venv" >&2; exit 1; }

$(VENV)/.site-installed: $(BIN)/python requirements/site.txt requirements/build.txt pyproject.toml
	$(BIN)/python -m pip install -q -r requirements/build.txt
	$(BIN)/python -m pip install -q -r requirements/site.txt
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.site-installed requirements/dev.txt
	$(BIN)/python -m pip install -q -r requirements/dev.txt
	@touch $@

# Zensical in its own virtualenv: it pins its own Markdown and pymdown-extensions.
ZVENV := .venv-zensical
$(ZVENV)/.installed: requirements/zensical.txt
	@test -x $(ZVENV)/bin/python || $(PYTHON) -m venv $(ZVENV)
	$(ZVENV)/bin/python -m pip install -q -r requirements/zensical.txt
	@touch $@

validate: $(VENV)/.site-installed
	$(BIN)/sitrep validate

# The plugin validates every record (same checks and messages as `sitrep validate`) before it builds.
site: $(VENV)/.site-installed
	SITREP_AUDIENCE=public $(BIN)/mkdocs build --strict --site-dir site

site-internal: $(VENV)/.site-installed
	SITREP_AUDIENCE=internal $(BIN)/mkdocs build --strict --site-dir site-internal

serve: $(VENV)/.site-installed
	$(BIN)/mkdocs serve --livereload

test: $(VENV)/.dev-installed $(ZVENV)/.installed
	$(BIN)/ruff check generator tests benchmarks tools
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check generator tests benchmarks tools

test-fast: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m "not slow" -x -q

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/validate_bench.py
	$(BIN)/python benchmarks/load_bench.py
	$(BIN)/python benchmarks/build_bench.py
	$(BIN)/python benchmarks/import_bench.py
	$(BIN)/python benchmarks/serve_bench.py

# Zensical runs no MkDocs plugins: sitrep generate writes the pages, files and theme it builds from,
# and sitrep sanitize then cleans the record bodies Zensical rendered, as the plugin does.
zensical: $(VENV)/.site-installed $(ZVENV)/.installed
	rm -rf zensical/docs zensical/theme zensical/site
	SITREP_AUDIENCE=public $(BIN)/sitrep generate --out zensical/docs --theme-dir zensical/theme \
	    --edition-config zensical/edition.yml
	cd zensical && ../$(ZVENV)/bin/zensical build -f edition.yml
	$(BIN)/sitrep sanitize zensical/site

clean:
	rm -rf site site-internal .sitrep-cache zensical/docs zensical/theme zensical/site zensical/edition.yml
