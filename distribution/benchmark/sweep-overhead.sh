#!/bin/sh
# Overhead per trial of the sweep executors: for each trial, the wall time of its attempt(s)
# (attempts.jsonl) against the run's own time (RunFinished.seconds: stages, from the moment the
# pipeline starts). The difference is JVM start, ND4J's native start, plugin discovery and data loading
# in the trial's JVM, plus, for Spark, task scheduling. Run from the distribution's folder:
#   benchmark/sweep-overhead.sh [local spark ...]
set -e
cd "$(dirname "$0")/.."
for executor in ${*:-local spark}; do
  bin/transferbench -q run benchmark/sweep-overhead.yaml --executor "$executor" "output=runs/sweep-overhead-$executor" >/dev/null
  sweep=$(ls -d runs/sweep-overhead-"$executor"/*/ | tail -1)
  python3 - "$executor" "$sweep" <<'PY'
import datetime, glob, json, os, statistics, sys
executor, sweep = sys.argv[1], sys.argv[2]
def t(s): return datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
rows = []
for f in sorted(glob.glob(os.path.join(sweep, '*', 'attempts.jsonl'))):
    folder = os.path.dirname(f)
    wall = sum((t(a['ended']) - t(a['started'])).total_seconds() for a in map(json.loads, open(f)))
    run = [e for e in map(json.loads, open(os.path.join(folder, 'events.jsonl'))) if e['type'] == 'RunFinished'][-1]
    rows.append((os.path.basename(folder), wall, run['seconds']))
for name, wall, own in rows:
    print(f"{executor:6} {name:28} wall {wall:7.1f} s  trial {own:7.1f} s  overhead {wall - own:5.1f} s ({100 * (wall - own) / own:4.1f} %)")
print(f"{executor:6} median overhead {statistics.median(w - o for _, w, o in rows):.1f} s, "
      f"{statistics.median(100 * (w - o) / o for _, w, o in rows):.1f} % of the trial's own time")
PY
done
