"""Summarises the sweeps of online-transfer.md: per configuration and network the final error rate
(mean, sd over trials), transfers received, the final transfer frequency e and ratio P, wall time per
trial, and tests against scratch and against transfer without adjustment (Welch's t-test, and the
paired t-test: trial k of every configuration starts from the same weights and data order).

    python3 docs/experiments/online_transfer_summary.py runs/online-transfer-experiment > summary.md
Reads only the sweep folders' files (sweep-summary.csv, each trial's events.jsonl)."""
import csv, glob, json, os, statistics, sys
from collections import defaultdict
from scipy import stats

root = sys.argv[1]
rows = defaultdict(lambda: defaultdict(dict))   # configuration -> network -> trial -> values
for summary in sorted(glob.glob(os.path.join(root, '*', 'sweep-summary.csv'))):
    sweep = os.path.dirname(summary)
    for r in csv.DictReader(open(summary)):
        if r['status'] != 'finished':
            continue
        values = r['values'].replace('stages[0].', '')
        label = values if values else r['stage']     # the scratch sweep has no swept values
        label = label.replace('frequency.rule=', 'e:').replace('ratio.rule=', 'P:')
        events = [json.loads(l) for l in open(os.path.join(sweep, r['folder'], 'events.jsonl'))]
        net = r['network']
        transfers = sum(1 for e in events if e['type'] == 'TransferPointReached' and e['receiver'] == net)
        last = {}
        for e in events:
            if e['type'] == 'ScheduleAdjusted' and e['network'] == net:
                last[e['parameter']] = e['newValue']
        rows[label][net][int(r['trial'])] = dict(error=float(r['error_rate']), transfers=transfers,
                                                 e=last.get('FREQUENCY'), p=last.get('RATIO'),
                                                 seconds=float(r['seconds']))

def order(label):
    if label == 'scratch': return (0, label)
    if label == 'e:none': return (1, label)
    return (2 if ' ' not in label and label.startswith('e:') else 3 if label.startswith('P:') else 4, label)

def ms(xs, fmt='%.2f'):
    xs = [x for x in xs if x is not None]
    if not xs: return '-'
    return (fmt + ' ± ' + fmt) % (statistics.mean(xs), statistics.stdev(xs) if len(xs) > 1 else 0.0)

print('| configuration | network | trials | final error rate % | transfers received | final e | final P % | wall s per trial |')
print('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |')
for label in sorted(rows, key=order):
    for net in sorted(rows[label]):
        t = rows[label][net]
        v = [t[k] for k in sorted(t)]
        print(f"| {label} | {net} | {len(v)} | {ms([x['error'] for x in v])} | {ms([x['transfers'] for x in v], '%.1f')} "
              f"| {ms([x['e'] for x in v], '%.1f')} | {ms([x['p'] for x in v], '%.1f')} | {ms([x['seconds'] for x in v], '%.0f')} |")

print()
print('| configuration | network | against | difference (points) | Welch p | paired t | paired p |')
print('| --- | --- | --- | ---: | ---: | ---: | ---: |')
for base in ('scratch', 'e:none'):
    for label in sorted(rows, key=order):
        if label == base or (base == 'e:none' and label == 'scratch'):
            continue
        for net in sorted(rows[label]):
            a, b = rows[label][net], rows[base].get(net, {})
            common = sorted(set(a) & set(b))
            if len(common) < 2: continue
            x = [a[k]['error'] for k in common]; y = [b[k]['error'] for k in common]
            diff = statistics.mean(x) - statistics.mean(y)
            welch = stats.ttest_ind(x, y, equal_var=False).pvalue if statistics.stdev(x) + statistics.stdev(y) > 0 else float('nan')
            paired = stats.ttest_rel(x, y) if any(p != q for p, q in zip(x, y)) else None
            print(f"| {label} | {net} | {base} | {diff:+.2f} | {welch:.3f} | "
                  + (f"{paired.statistic:.2f} | {paired.pvalue:.3f} |" if paired else "0 | identical |"))
