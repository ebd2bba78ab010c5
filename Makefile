# Every target creates .venv on first use and installs the project with the pinned versions.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: test demo lint bench compiled clean

# Installed editable, as Python; `compiled` then builds the hot modules in place.
$(STAMP): pyproject.toml constraints.txt setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	DERBES_PURE_PYTHON=1 $(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

# Cython compiles the modules listed in scanner/compiled.py next to their sources; only
# what changed since the last build is compiled again.
compiled: $(STAMP)
	$(PY) setup.py -q build_ext --inplace

test: compiled
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q
	# The same fast-path and detector tests with the modules as Python.
	DERBES_PURE_PYTHON=1 $(PY) -m pytest -q tests/detectors \
		tests/scanner/test_fastpath.py tests/scanner/test_fastpath_differential.py \
		tests/scanner/test_engine.py tests/scanner/test_jsonpaths.py tests/test_compiled.py

demo: compiled
	$(VENV)/bin/derbes demo --out demo-out

lint: $(STAMP)
	$(VENV)/bin/ruff check .

bench: compiled
	$(PY) benchmarks/run.py
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/sql_sampling.py
	$(PY) benchmarks/db_tables.py

clean:
	rm -rf $(VENV) demo-out .pytest_cache build
	find scanner detectors reports -name '*.so' -delete
