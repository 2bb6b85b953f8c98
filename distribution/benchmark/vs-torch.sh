#!/usr/bin/env bash
# Interleaved training-throughput benchmark: Transferbench (DL4J) against PyTorch, same machine, data,
# network, batch size and protocol. Prints each round and the medians, their ratio and the median of
# the rounds' ratios. Needs python3-torch and dataset-fashion-mnist.
#   usage: vs-torch.sh [--model M] [--width W] [--input 28x28x1|32x32x3] [REPS] [BATCH] [BATCHES]
# bench-cnn (the default) runs against the peer script shared/bench/torch_reference.py ($TORCH_REFERENCE,
# or found in a folder above this one); every other model against torch_models.py beside this script,
# which builds the model builders' networks layer for layer in PyTorch.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/.." && pwd)
model=bench-cnn; width=1.0; input=28x28x1
while [ $# -gt 0 ]; do
  case $1 in
    --model) model=$2; shift 2 ;;
    --width) width=$2; shift 2 ;;
    --input) input=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
reps=${1:-5}; batch=${2:-128}; batches=${3:-100}
if [ "$model" = bench-cnn ]; then
  torch_ref=${TORCH_REFERENCE:-}
  dir=$home
  while [ -z "$torch_ref" ] && [ "$dir" != / ]; do
    [ -f "$dir/shared/bench/torch_reference.py" ] && torch_ref=$dir/shared/bench/torch_reference.py
    dir=$(dirname "$dir")
  done
  [ -n "$torch_ref" ] || { echo "set TORCH_REFERENCE to shared/bench/torch_reference.py" >&2; exit 2; }
  torch_args=()
else
  torch_ref=$here/torch_models.py
  torch_args=(--model "$model" --width "$width" --input "$input")
fi
dl4j=(); torch=(); ratios=()
run_torch() {
  /usr/bin/python3 "$torch_ref" "${torch_args[@]}" --batch "$batch" --batches "$batches" --reps 1 \
    | sed -n 's/^images_per_second=//p'
}
run_dl4j() {
  "$home/bin/transferbench" benchmark --model "$model" --width "$width" --input "$input" --batch "$batch" \
    --batches "$batches" --reps 1 | sed -n 's/^images_per_second=//p'
}
for r in $(seq 1 "$reps"); do
  # Alternate which one goes first, so a drift of the machine's speed favours neither.
  if [ $((r % 2)) -eq 1 ]; then t=$(run_torch); d=$(run_dl4j); else d=$(run_dl4j); t=$(run_torch); fi
  echo "round $r: torch $t images/s, transferbench $d images/s"
  torch+=("$t"); dl4j+=("$d"); ratios+=("$(awk -v d="$d" -v t="$t" 'BEGIN {printf "%.3f", d / t}')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mt=$(median "${torch[@]}"); md=$(median "${dl4j[@]}")
echo "$model, width $width, input $input: median torch $mt images/s, median transferbench $md images/s, ratio $(awk -v d="$md" -v t="$mt" 'BEGIN {printf "%.2f", d / t}')x (batch $batch, $batches batches a round, $reps rounds)"
# The two runs of a round share the machine's state, so their ratio is the steadier figure on a noisy machine.
echo "median of the rounds' ratios $(median "${ratios[@]}")x"
