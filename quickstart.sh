#!/usr/bin/env bash
# Builds the distribution, finds (or, as root, installs) Fashion-MNIST, and runs examples/quickstart.yaml:
# pretrain a small CNN on classes 0-4, fine-tune it to classes 5-9, evaluate both.
set -euo pipefail
cd "$(dirname "$0")"
data=/usr/share/datasets/fashion-mnist
if [ ! -f "$data/train-images-idx3-ubyte.gz" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist
  else
    echo "Fashion-MNIST is missing: run 'sudo apt-get install dataset-fashion-mnist' and try again" >&2
    exit 2
  fi
fi
mvn -B -q install -DskipTests
home=distribution/target/transferbench-0.1.0-SNAPSHOT/transferbench-0.1.0-SNAPSHOT
"$home/bin/transferbench" run "$home/examples/quickstart.yaml"
