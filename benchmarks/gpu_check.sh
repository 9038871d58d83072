#!/usr/bin/env bash
# The GPU path, end to end, on a machine with an NVIDIA GPU (run from the repository root):
# trains the default recipe with --device cuda, then predicts 100,000 sentences with the
# PyTorch backend on the GPU (bf16), and prints the times. Needs the venv (make .venv/bin/warwire)
# with a CUDA build of torch: pip install torch (the default PyPI wheel is the CUDA build).
#
#     bash benchmarks/gpu_check.sh [RECIPE] [SENTENCES]
set -euo pipefail
RECIPE=${1:-train/minilm.toml}
SENTENCES=${2:-100000}
BIN=${BIN:-.venv/bin}
export HF_HUB_OFFLINE=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN/python" -c "import torch; assert torch.cuda.is_available(), 'no CUDA GPU visible to torch'; print('gpu:', torch.cuda.get_device_name(0), '| torch', torch.__version__)"

start=$(date +%s.%N)
"$BIN/warwire" train --config "$RECIPE" --output "$work/model" --device cuda
train_s=$(echo "$(date +%s.%N) - $start" | bc)

# 100,000 sentences: the corpus articles repeated, as JSONL articles
"$BIN/python" - "$work/big.jsonl" "$SENTENCES" <<'PY'
import sys
sys.path.insert(0, "benchmarks")
from pathlib import Path
from bench_end_to_end import write_input
articles, sentences = write_input(Path(sys.argv[1]), int(sys.argv[2]))
print(f"input: {articles} articles, {sentences} sentences")
PY
start=$(date +%s.%N)
"$BIN/warwire" predict "$work/model" "$work/big.jsonl" --device cuda --output "$work/rows.jsonl"
predict_s=$(echo "$(date +%s.%N) - $start" | bc)
rows=$(wc -l < "$work/rows.jsonl")

echo "train ($RECIPE, --device cuda): ${train_s} s"
echo "predict --device cuda (bf16, batch 256): ${rows} sentences in ${predict_s} s = $(echo "$rows / $predict_s" | bc) sentences/s"
