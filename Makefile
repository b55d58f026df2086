# Two commands do everything on a fresh machine:
#   make dossier   — create .venv, install, build every dossier under inputs/
#   make test      — the same set-up, then the test suite
# Narrow a build: make dossier UNIT=quang-phu YEAR=2024 ; rebuild all: make dossier FORCE=1 ;
# warnings as errors: make dossier STRICT=1

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

DOSSIER_ARGS := $(if $(UNIT),--unit $(UNIT)) $(if $(YEAR),--year $(YEAR)) $(if $(FORCE),--force) $(if $(NOPDF),--no-pdf) $(if $(STRICT),--strict)

.PHONY: dossier test validate bench schema templates check-templates clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

dossier: $(STAMP)
	$(BIN)/python -m pipeline dossier inputs $(DOSSIER_ARGS)

validate: $(STAMP)
	$(BIN)/python -m pipeline validate inputs $(if $(STRICT),--strict)

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m pipeline.bench $(if $(N),--n $(N))

schema: $(STAMP)
	$(BIN)/python -m pipeline schema

templates: $(STAMP)
	$(BIN)/python tools/make_templates.py

check-templates: $(STAMP)
	$(BIN)/python -m pipeline check-templates

clean:
	rm -rf $(VENV) outputs/*/ outputs/.manifest.json .pytest_cache
