# Switchyard: `make help` lists the targets. `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CHECKOV_VENV := .venv-checkov
export TF_CLI_CONFIG_FILE := $(CURDIR)/.terraform.d/cli.tfrc
export TF_IN_AUTOMATION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

FUNCTIONS := $(patsubst lambdas/%/handler.py,%,$(wildcard lambdas/*/handler.py))
FUNCTION_ZIPS := $(FUNCTIONS:%=build/lambdas/%.zip)
LAYER_ZIP := build/layers/shared.zip
# Request schemas API Gateway validates against, from the function that owns them (one source).
API_SCHEMAS := build/schemas/vote.schema.json
LAYER_SOURCES := $(shell find lambdas/shared -type f ! -path '*/__pycache__/*' ! -name '*.pyc' 2>/dev/null)
# The layer's compiled wheels are per instruction set; Terraform's lambda_defaults.architecture
# must match (modules/platform checks it against LAYER_ARCHITECTURE_STAMP at plan time).
LAMBDA_ARCHITECTURE ?= arm64
export LAMBDA_ARCHITECTURE
LAYER_ARCHITECTURE_STAMP := build/layers/shared.architecture
MODULES := $(patsubst %/main.tf,%,$(wildcard modules/*/main.tf))
TF_DIRS := modules environments
SETUP_STAMP := $(VENV)/.installed
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
UV := $(VENV)/bin/uv
UV_STAMP := $(VENV)/.uv-installed
# Compile keeps the pins already in a lock unless UPGRADE=1. Tool locks are for Python 3.11.7
# and later 3.11 (this machine; setup-python 3.11 in the workflows); the layer's for the runtime.
LOCK := $(UV) pip compile --quiet --generate-hashes --custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

.PHONY: help setup lock package-lambdas clean sandbox-up sandbox-down sandbox-status fmt lint docs \
        test test-unit test-modules test-e2e acceptance checkov demo bench bench-policy

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

# --- setup ---------------------------------------------------------------------------------
setup: $(SETUP_STAMP) $(CHECKOV_STAMP) $(TF_CLI_CONFIG_FILE) ## install toolchains from the project's lock files, every file hash-checked

# Every file installed is checked against a sha256 in a lock: uv itself by pip from the tiny
# bootstrap lock, then everything else by uv. `sync` also removes what a lock no longer lists.
$(UV_STAMP): requirements/bootstrap.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/bootstrap.lock
	@touch $@

$(SETUP_STAMP): requirements/dev.lock $(UV_STAMP)
	$(UV) pip sync --quiet --python $(PY) --require-hashes requirements/dev.lock
	@touch $@

# checkov pins many packages: it gets its own virtualenv.
$(CHECKOV_STAMP): requirements/checkov.lock $(UV_STAMP)
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(UV) pip sync --quiet --python $(CHECKOV_VENV)/bin/python --require-hashes requirements/checkov.lock
	@touch $@

lock: $(UV_STAMP) ## re-lock requirements/*.lock and the layer's requirements.txt from *.in with hashes (keeps pins; UPGRADE=1 upgrades)
	$(LOCK) --python-version 3.11.7 -o requirements/bootstrap.lock requirements/bootstrap.in
	$(LOCK) --python-version 3.11.7 -o requirements/dev.lock requirements/dev.in
	$(LOCK) --python-version 3.11.7 -o requirements/checkov.lock requirements/checkov.in
	$(LOCK) --python-version 3.12 --no-deps -o lambdas/shared/requirements.txt lambdas/shared/requirements.in

$(TF_CLI_CONFIG_FILE): tools/tf_cli_config.py | $(SETUP_STAMP)
	@$(PY) tools/tf_cli_config.py $@

# --- packaging -----------------------------------------------------------------------------
package-lambdas: $(FUNCTION_ZIPS) $(LAYER_ZIP) $(API_SCHEMAS) ## build deterministic zips (no-op when nothing changed)

build/schemas/vote.schema.json: lambdas/voting/vote.schema.json
	@mkdir -p $(@D) && cp $< $@

.SECONDEXPANSION:
build/lambdas/%.zip: $$(shell find lambdas/$$* -type f ! -path '*/__pycache__/*' ! -name '*.pyc') tools/package_lambdas.py | $(SETUP_STAMP)
	@$(PY) -m tools.package_lambdas function $* $@

$(LAYER_ZIP): $(LAYER_SOURCES) tools/package_lambdas.py $(LAYER_ARCHITECTURE_STAMP) | $(SETUP_STAMP)
	@$(PY) -m tools.package_lambdas layer $@

# Rewritten only when LAMBDA_ARCHITECTURE changes, so switching rebuilds the layer (and only then).
.PHONY: FORCE
$(LAYER_ARCHITECTURE_STAMP): FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = "$(LAMBDA_ARCHITECTURE)" ] || echo "$(LAMBDA_ARCHITECTURE)" > $@

clean: ## remove build outputs (not the virtualenvs, not sandbox state)
	rm -rf build reports

# --- local sandbox -------------------------------------------------------------------------
sandbox-up: $(SETUP_STAMP) ## start the local AWS emulator (harmless when already running)
	@$(PY) -m emulation.emulator start

sandbox-down: ## stop the local AWS emulator
	@$(PY) -m emulation.emulator stop

sandbox-status:
	@$(PY) -m emulation.emulator status

# --- quality gates -------------------------------------------------------------------------
fmt: $(TF_CLI_CONFIG_FILE) ## rewrite Terraform and Python formatting
	terraform fmt -recursive modules
	terraform fmt -recursive environments
	terraform fmt -recursive tests/environments
	$(VENV)/bin/ruff format lambdas tools emulation tests bench infra
	$(VENV)/bin/ruff check --fix lambdas tools emulation tests bench infra

docs: $(SETUP_STAMP) ## regenerate the input/output tables in every modules/*/README.md (tools/tfdocs.py)
	@$(PY) -m tools.tfdocs

lint: $(SETUP_STAMP) $(TF_CLI_CONFIG_FILE) ## check only: terraform fmt, ruff, mypy
	terraform fmt -check -recursive modules
	terraform fmt -check -recursive environments
	terraform fmt -check -recursive tests/environments
	$(VENV)/bin/ruff check lambdas tools emulation tests bench infra
	$(VENV)/bin/mypy $(FUNCTIONS:%=lambdas/%) lambdas/shared/switchyard tools emulation infra

test-unit: $(SETUP_STAMP) ## pytest, without the end-to-end sandbox
	$(PY) -m pytest -q -m "not e2e" -n 2 --durations=15

test-modules: $(TF_CLI_CONFIG_FILE) ## terraform test for every module (mock provider, offline)
	@for module in $(MODULES); do \
	  echo "terraform test: $$module"; \
	  terraform -chdir=$$module init -backend=false -input=false -no-color >/dev/null; \
	  out=$$(terraform -chdir=$$module test -no-color 2>&1) || { echo "$$out"; exit 1; }; \
	  echo "$$out" | tail -n 1; \
	done

checkov: $(CHECKOV_STAMP) ## checkov (built-in + policies/ CKV2_SWY_*) on modules and each environment root (offline)
	@$(PY) -m tools.run_checkov modules $(sort $(patsubst %/,%,$(dir $(wildcard environments/*/*.tf))))

test-e2e: $(SETUP_STAMP) $(TF_CLI_CONFIG_FILE) package-lambdas ## apply the sandbox to the emulator, drive traffic, check drift, destroy
	$(PY) -m pytest -q -m e2e --durations=25

# The end-to-end run waits on the emulator most of the time (~1/3 of two cores); the static
# gates and unit tests are CPU-bound. They run beside it at lower priority, so the e2e keeps
# the CPU it needs; its output is kept in $(E2E_LOG) and shown when it ends.
E2E_LOG := reports/test-e2e.log
test: $(SETUP_STAMP) $(CHECKOV_STAMP) $(TF_CLI_CONFIG_FILE) package-lambdas ## everything CI runs: make test-e2e, and beside it (nice 10) make policy then make test-unit
	@mkdir -p $(dir $(E2E_LOG))
	@echo "make test: make test-e2e in the background (output in $(E2E_LOG), shown when it ends); make policy, then make test-unit, at nice 10"
	@started=$$(date +%s); \
	$(MAKE) --no-print-directory test-e2e > $(E2E_LOG) 2>&1 & e2e=$$!; \
	static=0; nice -n 10 $(MAKE) --no-print-directory policy || static=$$?; \
	if [ $$static -eq 0 ]; then nice -n 10 $(MAKE) --no-print-directory test-unit || static=$$?; fi; \
	echo "make test: policy + unit exited $$static after $$(( $$(date +%s) - started )) s; waiting for make test-e2e"; \
	e2e_status=0; wait $$e2e || e2e_status=$$?; \
	echo "--- make test-e2e ($(E2E_LOG)) ---"; cat $(E2E_LOG); \
	echo "make test: policy + unit exit $$static, test-e2e exit $$e2e_status, $$(( $$(date +%s) - started )) s in all"; \
	[ $$static -eq 0 ] && [ $$e2e_status -eq 0 ]

acceptance: $(SETUP_STAMP) $(TF_CLI_CONFIG_FILE) package-lambdas ## the end-to-end run at the issues' acceptance sizes: 10,000 votes, 200x50 ledger, 1,000 accounts x 300 bans (figures in .sandbox/e2e/*.txt)
	SWITCHYARD_VOTING_E2E_VOTES=10000 SWITCHYARD_LEDGER_E2E_SIZE=200x50 SWITCHYARD_BANS_E2E_SIZE=1000x300 $(PY) -m pytest -q -m e2e --durations=25

# --- policy gates (tools/policy.py, policies/) ---------------------------------------------
.PHONY: policy
policy: $(SETUP_STAMP) $(CHECKOV_STAMP) $(TF_CLI_CONFIG_FILE) package-lambdas ## every static gate, concurrently: fmt, validate (roots, examples), README tables, terraform test, checkov (source + sandbox plan), ruff, mypy, skips, workflows
	@$(PY) -m tools.policy

# --- demo ----------------------------------------------------------------------------------
demo: setup package-lambdas sandbox-up ## deploy the sandbox into two simulated accounts and drive traffic
	@$(PY) -m emulation.demo

bench: $(SETUP_STAMP) ## benchmarks (printed as figures and ratios)
	@$(PY) bench/package_lambdas.py
	@$(PY) bench/voting_consumer.py
	@$(PY) bench/ledger_throughput.py
	@$(PY) bench/cold_start.py

.PHONY: bench-policy
bench-policy: $(SETUP_STAMP) ## make policy from cold caches, 3 runs: median wall/CPU against the 60 s goal
	@$(PY) bench/policy_gates.py

# --- environments and account bootstrap (tools/envctl.py, infra/) ---------------------------
.PHONY: plan apply bootstrap synth
ENV ?=

plan: $(SETUP_STAMP) $(TF_CLI_CONFIG_FILE) package-lambdas ## saved plan for ENV=<env>: build/plans/<env>.tfplan and .json
	@$(PY) -m tools.envctl plan "$(ENV)" $(PLAN_ARGS)

apply: $(SETUP_STAMP) $(TF_CLI_CONFIG_FILE) package-lambdas ## apply exactly build/plans/<env>.tfplan (make plan first)
	@$(PY) -m tools.envctl apply "$(ENV)"

bootstrap: $(SETUP_STAMP) $(TF_CLI_CONFIG_FILE) ## account baseline for ENV=<env> (cdktn synth + apply; FIRST_RUN=1 once)
	@$(PY) -m tools.envctl bootstrap "$(ENV)"

synth: $(SETUP_STAMP) ## synthesize the bootstrap stacks of every account into build/infra/stacks
	@$(PY) -m infra.app
