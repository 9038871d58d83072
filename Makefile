# Two commands do all set-up: `make train` (the main job) and `make test`.
# Both create the virtual environment first if it is missing.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of torch, explicitly: a bare `torch` pulls a multi-GB CUDA build on Linux.
# `+cpu` only matches CPU wheels; if no local or PyPI-reachable one exists, pip asks
# PyTorch's CPU index.
TORCH_SPEC ?= torch==2.13.0+cpu
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
MODEL ?= models/minilm
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: train test eval bench data clean

$(BIN)/warwire: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)" || \
		$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)" --index-url $(TORCH_CPU_INDEX)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(BIN)/warwire

## The main job: train the default MiniLM recipe on the shipped corpus, then label the example articles.
train: $(BIN)/warwire
	$(BIN)/warwire train --config train/minilm.toml --output $(MODEL) --overwrite
	$(BIN)/warwire predict $(MODEL) examples/ --output $(MODEL)-examples.jsonl
	@echo "predictions: $(MODEL)-examples.jsonl"

## The tests (fast, offline).
test: $(BIN)/warwire
	$(BIN)/python -m pytest

## Rebuild the corpus from data/source and check it.
data: $(BIN)/warwire
	$(BIN)/warwire data build
	$(BIN)/warwire data check

clean:
	rm -rf $(VENV) models/*/ .pytest_cache
