# macOS and Linux. On Windows, double-click lap-ho-so.cmd or menu.cmd (see README).
#   make dossier   — create .venv, install the runtime, build every dossier under inputs/
#   make test      — the same set-up plus the test tools, then ruff (pyflakes, imports) and the test suite
#   make web       — the editor in the browser (PORT=8765, NOBROWSER=1 for scripts)
# Narrow a build: make dossier UNIT=quang-phu YEAR=2024 ; rebuild all: make dossier FORCE=1 ;
# warnings as errors: make dossier STRICT=1 ; Word only: make dossier NOPDF=1
# The yearly commands: make new-unit NAME="Ủy ban nhân dân xã Tân Mỹ" YEAR=2025 [SLUG=tan-my]
#                      make new-year UNIT=quang-phu YEAR=2025 ; make history UNIT=quang-phu

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-stamp
TEST_STAMP    := $(VENV)/.test-stamp
BUNDLE_STAMP  := $(VENV)/.bundle-stamp
export DVHT_VIA_MAKE := 1

DOSSIER_ARGS := $(if $(UNIT),--unit $(UNIT)) $(if $(YEAR),--year $(YEAR)) $(if $(FORCE),--force) $(if $(NOPDF),--no-pdf) $(if $(STRICT),--strict) $(if $(TEMPLATES),--templates $(TEMPLATES))

.PHONY: web dossier test validate bench schema templates check-templates new-unit new-year history bundle test-bundle clean

$(RUNTIME_STAMP): pyproject.toml
	@echo "== Cài đặt (lần đầu mất khoảng một phút): tạo $(VENV) và cài các thư viện cần để lập hồ sơ"
	@$(PYTHON) -m venv $(VENV) || { echo "✗ Không tạo được $(VENV): cần Python 3.11 trở lên (python3 -m venv)"; exit 1; }
	@$(BIN)/python -m pip install --disable-pip-version-check --progress-bar on -e . || { echo "✗ Cài đặt thất bại (xem dòng trên)"; exit 1; }
	@touch $(RUNTIME_STAMP)

$(TEST_STAMP): $(RUNTIME_STAMP) pyproject.toml
	@echo "== Cài công cụ kiểm thử (pytest, hypothesis, ruff, httpx2, selenium)"
	@$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[test]'
	@touch $(TEST_STAMP)

$(BUNDLE_STAMP): $(RUNTIME_STAMP) pyproject.toml
	@$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[bundle]'
	@touch $(BUNDLE_STAMP)

dossier: $(RUNTIME_STAMP)
	@$(BIN)/python -m pipeline dossier inputs $(DOSSIER_ARGS)

web: $(RUNTIME_STAMP)
	@$(BIN)/python -m pipeline web $(if $(PORT),--port $(PORT)) $(if $(NOBROWSER),--no-browser)

validate: $(RUNTIME_STAMP)
	@$(BIN)/python -m pipeline validate inputs $(if $(STRICT),--strict)

new-unit: $(RUNTIME_STAMP)
	@$(BIN)/python -m pipeline new-unit $(SLUG) --name "$$NAME" --year "$$YEAR"  # from the environment: quotes in NAME stay

new-year: $(RUNTIME_STAMP)
	@$(BIN)/python -m pipeline new-year $(UNIT) $(YEAR)

history: $(RUNTIME_STAMP)
	@$(BIN)/python -m pipeline history $(UNIT)

test: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

test-bundle: $(TEST_STAMP)
	DVHT_TEST_BUNDLE=1 $(BIN)/python -m pytest -q tests/test_bundle.py

bench: $(RUNTIME_STAMP)
	$(BIN)/python tools/bench.py $(if $(N),--n $(N))

schema: $(RUNTIME_STAMP)
	$(BIN)/python -m pipeline schema

templates: $(RUNTIME_STAMP)
	$(BIN)/python tools/make_templates.py

# The offline install for Windows: dist/dvht-dossier-<version>-windows.zip (the project and every wheel it
# needs on Windows 64-bit, CPython 3.11–3.13; needs PyPI here, not on the office PC)
bundle: $(BUNDLE_STAMP)
	@$(BIN)/python tools/bundle.py

check-templates: $(RUNTIME_STAMP)
	@$(BIN)/python -m pipeline check-templates

clean:
	rm -rf $(VENV) outputs/*/ outputs/.manifest.json .pytest_cache dist
