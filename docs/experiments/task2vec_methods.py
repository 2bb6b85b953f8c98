#!/usr/bin/env python3
"""Compares two embed-tasks stages of one run (docs/experiments/task2vec.md, "Fisher against variational").

Usage: task2vec_methods.py RUN_DIR [STAGE_A STAGE_B]   (default: embed embed-variational)

Per task: the rank correlation (Spearman) of the two embeddings' per-filter values; over tasks: the rank
correlation of their norms, and of their distance matrices' upper triangles.
"""
import json
import sys

import numpy as np
from scipy.stats import spearmanr


def read(run, stage):
    tasks, matrix = {}, None
    with open(f"{run}/events.jsonl") as f:
        for line in f:
            e = json.loads(line)
            if e.get("stage") != stage:
                continue
            if e["type"] == "TaskEmbedded":
                tasks[e["task"]] = e
            elif e["type"] == "TaskDistances":
                matrix = e
    return tasks, matrix


def main(run, a, b):
    ta, ma = read(run, a)
    tb, mb = read(run, b)
    names = [t for t in ta if t in tb]
    per_task = [spearmanr(ta[t]["embedding"], tb[t]["embedding"])[0] for t in names]
    print(f"{run}: {a} against {b}, {len(names)} tasks")
    print(f"  per-task Spearman of filter values: median {np.median(per_task):.3f}, "
          f"range {min(per_task):.3f} to {max(per_task):.3f}")
    rho, p = spearmanr([ta[t]["norm"] for t in names], [tb[t]["norm"] for t in names])
    print(f"  norms across tasks: Spearman {rho:.3f} (p = {p:.3g})")
    for stage, t in ((a, ta), (b, tb)):
        r, q = spearmanr([t[n]["norm"] for n in names], [1 - t[n]["headAccuracy"] for n in names])
        print(f"  {stage}: norm against probe error Spearman {r:.3f} (p = {q:.3g})")
    da, db = np.array(ma["distances"]), np.array(mb["distances"])
    iu = np.triu_indices(len(names), 1)
    r, q = spearmanr(((da + da.T) / 2)[iu], ((db + db.T) / 2)[iu])
    print(f"  symmetrised distances (upper triangle): Spearman {r:.3f} (p = {q:.3g})")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], *(args[1:3] if len(args) >= 3 else ("embed", "embed-variational")))
