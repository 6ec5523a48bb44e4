# Two commands for a new user: `make run` (start the dashboard) and `make test` (all tests).
# Both create the virtual environment and install requirements.txt first, when needed.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
PORT ?= 8501

.PHONY: run test lint format bench

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	# two processes (tests/conftest.py gives each its own PostgreSQL database and keeps a
	# browser test module, with its served app, in one process)
	$(PY) -m pytest -n 2 --dist loadgroup

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(STAMP)
	$(PY) -m benchmarks.run_all
