#!/usr/bin/env bash
# Interleaved training-throughput benchmark: Transferbench (DL4J) vs ../shared/bench/torch_reference.py
# (PyTorch), same machine, data, network, batch size and protocol. Prints each repetition and the
# medians and their ratio. Needs python3-torch and dataset-fashion-mnist.
#   usage: vs-torch.sh [REPS] [BATCH] [BATCHES]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
home=$(cd "$here/.." && pwd)
reps=${1:-5}; batch=${2:-128}; batches=${3:-100}
# The peer script: $TORCH_REFERENCE, or shared/bench/torch_reference.py in a folder above this one.
torch_ref=${TORCH_REFERENCE:-}
dir=$home
while [ -z "$torch_ref" ] && [ "$dir" != / ]; do
  [ -f "$dir/shared/bench/torch_reference.py" ] && torch_ref=$dir/shared/bench/torch_reference.py
  dir=$(dirname "$dir")
done
[ -n "$torch_ref" ] || { echo "set TORCH_REFERENCE to shared/bench/torch_reference.py" >&2; exit 2; }
dl4j=(); torch=(); ratios=()
run_torch() { /usr/bin/python3 "$torch_ref" --batch "$batch" --batches "$batches" --reps 1 | sed -n 's/^images_per_second=//p'; }
run_dl4j() { "$home/bin/transferbench" benchmark --batch "$batch" --batches "$batches" --reps 1 | sed -n 's/^images_per_second=//p'; }
for r in $(seq 1 "$reps"); do
  # Alternate which one goes first, so a drift of the machine's speed favours neither.
  if [ $((r % 2)) -eq 1 ]; then t=$(run_torch); d=$(run_dl4j); else d=$(run_dl4j); t=$(run_torch); fi
  echo "round $r: torch $t images/s, transferbench $d images/s"
  torch+=("$t"); dl4j+=("$d"); ratios+=("$(awk -v d="$d" -v t="$t" 'BEGIN {printf "%.3f", d / t}')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mt=$(median "${torch[@]}"); md=$(median "${dl4j[@]}")
echo "median torch $mt images/s, median transferbench $md images/s, ratio $(awk -v d="$md" -v t="$mt" 'BEGIN {printf "%.2f", d / t}')x (batch $batch, $batches batches a round, $reps rounds)"
# The two runs of a round share the machine's state, so their ratio is the steadier figure on a noisy machine.
echo "median of the rounds' ratios $(median "${ratios[@]}")x"
