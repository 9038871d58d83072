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

## Rebuild the shipped evaluation reports: eval/minilm, eval/tfidf (test split) and
## eval/comparison.md. Trains models/minilm (~15 min) and models/tfidf first if missing.
eval: $(BIN)/warwire
	test -d models/minilm || $(BIN)/warwire train --config train/minilm.toml --output models/minilm
	test -d models/tfidf || $(BIN)/warwire train --config train/tfidf.toml --output models/tfidf
	$(BIN)/warwire evaluate models/minilm --report-dir eval/minilm
	$(BIN)/warwire evaluate models/tfidf --report-dir eval/tfidf
	$(BIN)/warwire compare eval/tfidf eval/minilm --output eval

## Prediction speed and memory: transformers pipeline vs warwire torch vs warwire int8 (README "Speed").
## Uses $(MODEL) (trained first if missing; speed does not depend on how well it is trained).
bench: $(BIN)/warwire
	test -d $(MODEL) || $(BIN)/warwire train --config train/minilm.toml --output $(MODEL)
	$(BIN)/python benchmarks/bench_predict.py $(MODEL)

clean:
	rm -rf $(VENV) models/*/ .pytest_cache
