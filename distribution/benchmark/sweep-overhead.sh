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
    attempts = [json.loads(line) for line in open(f)]
    wall = sum((t(a['ended']) - t(a['started'])).total_seconds() for a in attempts)
    events = [json.loads(line) for line in open(os.path.join(folder, 'events.jsonl'))]
    started, finished = events[0], [e for e in events if e['type'] == 'RunFinished'][-1]
    # before the first event: JVM, plugins, ND4J, data; after the last: report.html and JVM exit
    before = (t(started['time']) - t(attempts[0]['started'])).total_seconds()
    after = (t(attempts[-1]['ended']) - t(finished['time'])).total_seconds()
    rows.append((os.path.basename(folder), wall, finished['seconds'], before, after))
for name, wall, own, before, after in rows:
    print(f"{executor:6} {name:26} wall {wall:6.1f} s  trial {own:6.1f} s  overhead {wall - own:4.1f} s "
          f"({100 * (wall - own) / own:4.1f} %; start {before:.1f} s, report and exit {after:.1f} s)")
print(f"{executor:6} median overhead {statistics.median(r[1] - r[2] for r in rows):.1f} s, "
      f"{statistics.median(100 * (r[1] - r[2]) / r[2] for r in rows):.1f} % of the trial's own time")
PY
done
