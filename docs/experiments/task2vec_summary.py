#!/usr/bin/env python3
"""Summarises Task2Vec runs (docs/experiments/task2vec.md) from their events.jsonl files.

Usage: task2vec_summary.py [--stage NAME] RUN_DIR... > task2vec-comparison/summary.txt
(--stage: the embed-tasks stage to read, default "embed")

Per trial and pooled: Spearman's rank correlation of the embedding norm with the probe's test error
(the paper: the norm grows with difficulty); whether the distance matrix groups the task families
(nearest-neighbour and top-3 family agreement against a permutation test of the family labels, and the
cophenetic correlation of the average-linkage tree with the family split). Model selection is in
`transferbench compare`'s comparison.md.
"""
import json
import random
import sys

import numpy as np
from scipy.cluster.hierarchy import average, cophenet
from scipy.spatial.distance import squareform
from scipy.stats import spearmanr


def family(task):
    if task.startswith("rotated-"):
        return "rotated"
    if task.startswith("inverted-"):
        return "inverted"
    if "-noise-" in task:
        return "label-noise"
    if task in ("first-half", "second-half", "odd-classes", "tops"):
        return "five-class"
    if task in ("trouser-vs-bag", "sandal-vs-dress", "sneaker-vs-bag", "trouser-vs-sandal"):
        return "easy-pair"
    return "hard-pair"


def read(run, stage):
    embedded, matrix = [], None
    with open(f"{run}/events.jsonl") as f:
        for line in f:
            e = json.loads(line)
            if e.get("stage") != stage:
                continue
            if e["type"] == "TaskEmbedded":
                embedded.append(e)
            elif e["type"] == "TaskDistances":
                matrix = e
    return embedded, matrix


def agreement(d, fam, k):
    hits = 0
    n = len(fam)
    for i in range(n):
        order = [j for j in np.argsort(d[i]) if j != i][:k]
        hits += sum(fam[j] == fam[i] for j in order)
    return hits / (n * k)


def main(runs, stage):
    pooled_norm, pooled_error = [], []
    rng = random.Random(1)
    for run in runs:
        embedded, m = read(run, stage)
        norms = [e["norm"] for e in embedded]
        errors = [1 - e["headAccuracy"] for e in embedded]
        pooled_norm += norms
        pooled_error += errors
        rho, p = spearmanr(norms, errors)
        print(f"{run}")
        print(f"  norm vs probe error: Spearman rho = {rho:.3f} (p = {p:.3g}, n = {len(norms)})")
        fams = sorted(set(family(e["task"]) for e in embedded))
        for fa in fams:
            sel = [(e["task"], e["norm"], 1 - e["headAccuracy"]) for e in embedded if family(e["task"]) == fa]
            print("    " + fa + ": " + ", ".join(f"{t} {n:.4f} / {100 * er:.1f} %" for t, n, er in sel))
        tasks = m["tasks"]
        d = np.array(m["distances"])
        d = (d + d.T) / 2
        np.fill_diagonal(d, 0)
        fam = [family(t) for t in tasks]
        for k in (1, 3):
            observed = agreement(d, fam, k)
            null = []
            for _ in range(2000):
                shuffled = fam[:]
                rng.shuffle(shuffled)
                null.append(agreement(d, shuffled, k))
            p = (1 + sum(x >= observed for x in null)) / (1 + len(null))
            print(f"  top-{k} family agreement: {observed:.3f} (label permutations: mean {np.mean(null):.3f}, "
                  f"p = {p:.3g})")
        tree = average(squareform(d, checks=False))
        family_distance = np.array([[0.0 if a == b else 1.0 for b in fam] for a in fam])
        coph, _ = cophenet(tree, squareform(d, checks=False))
        r_family = np.corrcoef(cophenet(tree), squareform(family_distance, checks=False))[0, 1]
        print(f"  cophenetic correlation with the distances: {coph:.3f}; with the family split (0 same, 1 other): "
              f"{r_family:.3f}")
        per_family = {fa: [] for fa in fams}
        for i in range(len(tasks)):
            for j in range(len(tasks)):
                if i < j:
                    per_family[fam[i]].append(d[i, j]) if fam[i] == fam[j] else None
        within = np.mean([d[i, j] for i in range(len(tasks)) for j in range(len(tasks)) if i < j and fam[i] == fam[j]])
        between = np.mean([d[i, j] for i in range(len(tasks)) for j in range(len(tasks)) if i < j and fam[i] != fam[j]])
        print(f"  mean distance within families {within:.4f}, between {between:.4f}")
    rho, p = spearmanr(pooled_norm, pooled_error)
    print(f"pooled over {len(runs)} trials: norm vs probe error Spearman rho = {rho:.3f} (p = {p:.3g}, "
          f"n = {len(pooled_norm)})")


if __name__ == "__main__":
    args = sys.argv[1:]
    stage = "embed"
    if args[:1] == ["--stage"]:
        stage, args = args[1], args[2:]
    main(args, stage)
