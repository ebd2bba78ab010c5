# Every target creates .venv on first use and installs the project with the pinned versions.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# What the demo needs (derbes and its dependencies), then what tests and the build add.
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-stamp
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: test demo lint bench compiled clean

# Installed editable, as Python; `compiled` then builds the hot modules in place.
# --no-compile: pip would byte-compile every installed module (Faker's locales, phonenumbers'
# data, spaCy under Presidio), most of which derbes never imports. Python compiles what is
# imported on first use instead, but writes it nowhere where PYTHONDONTWRITEBYTECODE is set (CI
# machines, container images), and then parses it again at every run: a one-line scan with
# that variable unset writes it once (a one-line scan here 1.6-1.9 -> 1.0 s). libphonenumber
# loads a country's data module when a number of that country is first met: all 300 of them
# are compiled (0.1 s), or each scan meeting phone numbers parses the source of its countries'
# (the 1,000 lines of the dense benchmark corpus' slice, six countries: 32.9 -> 30.7 ms).
$(STAMP): pyproject.toml constraints.txt setup.py
	@echo "== derbes: creating $(VENV) and installing derbes with its pinned dependencies (about a minute)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	DERBES_PURE_PYTHON=1 $(PY) -m pip install -q --no-compile -c constraints.txt -e .
	@echo "== derbes: a one-line scan, to write the bytecode of what a scan imports"
	# As Python: modules an earlier build compiled may be older than their sources here
	# (after a pull), and are compiled again only after this (`make compiled`).
	printf 'iin 900101300456\n' | PYTHONDONTWRITEBYTECODE= DERBES_PURE_PYTHON=1 \
		$(VENV)/bin/derbes scan - --quiet --out $(VENV)/warm-up >/dev/null
	@echo "== derbes: writing the bytecode of libphonenumber's country data (a second)"
	$(PY) -m compileall -q "$$($(PY) -c 'import phonenumbers.data as d, os; print(os.path.dirname(d.__file__))')" >/dev/null
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	@echo "== derbes: installing the test and build tools (pytest, ruff, Cython, Dask, moto...)"
	DERBES_PURE_PYTHON=1 $(PY) -m pip install -q --no-compile -c constraints.txt -e '.[dev]'
	touch $(DEV_STAMP)

# Cython compiles the modules listed in scanner/compiled.py next to their sources, $(JOBS) at
# a time, naming each; only what changed since the last build is compiled again.
compiled: $(DEV_STAMP)
	@echo "== derbes: compiling the hot modules with Cython (a few minutes the first time)"
	$(PY) setup.py -q build_ext --inplace -j $(JOBS)

test: compiled
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q
	# The same fast-path and detector tests with the modules as Python.
	DERBES_PURE_PYTHON=1 $(PY) -m pytest -q tests/detectors \
		tests/scanner/test_fastpath.py tests/scanner/test_fastpath_differential.py \
		tests/scanner/test_engine.py tests/scanner/test_jsonpaths.py tests/scanner/test_timestamps.py \
		tests/scanner/test_shapes.py tests/scanner/test_redact.py tests/test_compiled.py \
		tests/scanner/test_evidence.py

# The demo runs on what is built: as Python on a fresh clone (it says so), without waiting
# minutes for the compiler; compiled after `make compiled` or `make test`.
demo: $(STAMP)
	$(VENV)/bin/derbes demo --out demo-out

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .

bench: compiled
	$(PY) benchmarks/run.py
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/sql_sampling.py
	$(PY) benchmarks/db_tables.py
	$(PY) benchmarks/db_schema.py --jobs 1 --connections 1
	$(PY) benchmarks/db_schema.py --jobs 2 --connections 2

clean:
	rm -rf $(VENV) demo-out .pytest_cache build
	find scanner detectors reports -name '*.so' -delete
