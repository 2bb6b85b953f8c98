#!/bin/sh
# Runs every configuration of docs/experiments/online-transfer.md (14 configurations x 5 trials) on
# the local executor, then compares them. From the repository root, with the distribution built:
#   TB=distribution/target/transferbench-0.1.0-SNAPSHOT/transferbench-0.1.0-SNAPSHOT/bin/transferbench \
#     sh docs/experiments/online-transfer.sh
set -e
TB=${TB:-bin/transferbench}
D=docs/experiments/online-transfer.yaml
$TB -q run $D 'stages[0].transfer=false' 'stages[0].name=scratch'
$TB -q run $D --multirun 'stages[0].frequency.rule=none,rule-1,rule-2,rule-3,rule-4,rule-5'
$TB -q run $D --multirun 'stages[0].ratio.rule=rule-2,rule-4,rule-5'
$TB -q run $D --multirun 'stages[0].frequency.rule=rule-3,rule-5' 'stages[0].ratio.rule=rule-2,rule-5'
$TB compare runs/online-transfer-experiment --output runs/online-transfer-experiment
