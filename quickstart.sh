#!/usr/bin/env bash
# Builds the distribution and runs examples/quickstart.yaml with it.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q install -DskipTests
home=distribution/target/transferbench-0.1.0-SNAPSHOT/transferbench-0.1.0-SNAPSHOT
"$home/bin/transferbench" validate --explain "$home/examples/quickstart.yaml"
"$home/bin/transferbench" run "$home/examples/quickstart.yaml"
