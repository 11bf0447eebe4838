# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck check bench clean lock

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ceasefire demo --out reports/demo.md

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# Regenerate the pinned lock file after changing dependencies in pyproject.toml.
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) reports .mypy_cache .pytest_cache .ruff_cache

# Benchmark-only environment: BlueSky (numpy + C++ state-based detection) next to ours.
# Kept out of the runtime lock; see bench/requirements-bluesky.txt and docs/benchmarks.md.
BENCH_VENV := .venv-bench
$(BENCH_VENV)/.installed: requirements.lock bench/requirements-bluesky.txt pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements-bluesky.txt
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BENCH_VENV)/bin/python -c "from bluesky.traffic.asas import cstatebased, statebased"
	touch $@

.PHONY: bench-deconflict
bench-deconflict: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python bench/bench_deconflict.py $(BENCH_ARGS)

# Benchmark-only environment for fusion: our runtime lock plus scikit-learn (DBSCAN, the
# baseline of issue 10). scikit-learn is never a runtime or dev dependency.
FUSION_BENCH_VENV := .venv-bench-fusion
$(FUSION_BENCH_VENV)/.installed: requirements.lock bench/requirements-fusion.txt pyproject.toml
	$(PYTHON) -m venv $(FUSION_BENCH_VENV)
	$(FUSION_BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(FUSION_BENCH_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements.lock
	$(FUSION_BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements-fusion.txt
	$(FUSION_BENCH_VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

.PHONY: bench-fusion
bench-fusion: $(FUSION_BENCH_VENV)/.installed
	$(FUSION_BENCH_VENV)/bin/python bench/bench_fusion.py $(BENCH_ARGS)

# Service load (issue 11): `ceasefire serve` on a fresh data directory, 100 loopback clients
# in forked worker processes, then the stored and ledgered counts checked against the 201s.
.PHONY: bench-api
bench-api: $(STAMP)
	$(BIN)/python bench/bench_api_load.py $(BENCH_ARGS)
