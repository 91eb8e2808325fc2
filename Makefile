# The two commands of the README: `make demo` and `make test`.
# Each builds .venv from nothing; python3.12 (the Lambda runtime) is preferred.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
RDK_VENV := $(VENV)/rdk
RDK_STAMP := $(RDK_VENV)/.installed

# Try interpreters by running them: a pyenv shim may exist yet fail to start.
PYTHON_BOOT := $(shell for c in "python3.12" "env PYENV_VERSION=3.12.1 python3.12" "python3"; do \
	if $$c -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then echo "$$c"; break; fi; done)

.PHONY: demo test lint unit install clean bench packs fuzz

$(STAMP): pyproject.toml
	@test -n '$(PYTHON_BOOT)' || { echo "error: Python 3.11+ not found (tried python3.12, python3)"; exit 2; }
	@echo "creating $(VENV) with $(PYTHON_BOOT)"
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The demo estate has findings on purpose: exit status 1 (findings) is success here, 2 (an error) is not.
# The demo's configuration lives beside the estate, never in the repository root (where scans would pick it up).
demo: $(STAMP)
	@$(VENV)/bin/lambda-compliance scan --demo --config src/lambda_compliance/demo/lambda-compliance.yaml --reports reports; status=$$?; \
	if [ $$status -gt 1 ]; then exit $$status; fi

lint: $(STAMP)
	@$(VENV)/bin/ruff check src rules tests bench tools
	@$(VENV)/bin/ruff format --check src rules tests bench tools
	@files=$$(find templates conformance-packs -maxdepth 1 -name '*.yaml' 2>/dev/null | sort); \
	if [ -n "$$files" ]; then $(VENV)/bin/cfn-lint $$files && echo "cfn-lint: $$(echo $$files | wc -w) templates clean"; fi

# Property tests run derandomized here (the "ci" hypothesis profile, tests/conftest.py): same commit, same result.
unit: $(STAMP) $(RDK_STAMP)
	@HYPOTHESIS_PROFILE=ci $(PY) -m pytest -n 2

test: browser-deps lint unit

# The HTML report's test drives a real headless Chromium/Chrome: found where it is installed ($$CHROME,
# chromium, chromium-browser, google-chrome, the macOS app), installed through apt only as root on Debian,
# else the test is skipped with one line saying how to enable it (under CI=true a missing browser fails).
.PHONY: browser-deps
browser-deps: $(STAMP)
	@$(PY) tests/browser_support.py

# The randomized campaign: every rule, both Config CI formats, >= 10,000 generated items; prints per rule
# items, evaluations and any failure with its minimal example (FUZZ_EXAMPLES per rule and format).
FUZZ_EXAMPLES ?= 70
fuzz: $(STAMP)
	@HYPOTHESIS_PROFILE=fuzz PYTHONIOENCODING=utf-8:backslashreplace $(PY) tests/fuzz.py --examples $(FUZZ_EXAMPLES)

# rdk (AWS Config Rule Development Kit) in its own virtualenv: tests/test_rdk.py runs `rdk test-local --all`
# and lints `rdk create-rule-template`; `make rdk` does the same and prints "Ran N tests" per rule.
$(RDK_STAMP): pyproject.toml $(STAMP)
	@test -x $(RDK_VENV)/bin/python || $(PY) -m venv $(RDK_VENV)
	@$(RDK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check rdk==1.0.0 moto -e .
	@touch $(RDK_STAMP)

.PHONY: rdk
rdk: $(RDK_STAMP)
	@$(PY) -m lambda_compliance.packaging.rdk --rdk $(RDK_VENV)/bin/rdk --cfn-lint $(VENV)/bin/cfn-lint

packs: $(STAMP)
	@$(VENV)/bin/lambda-compliance generate

bench: $(STAMP)
	@$(PY) -m bench.run

clean:
	rm -rf $(VENV) dist reports
