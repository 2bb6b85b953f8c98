#!/usr/bin/env python3
"""Recounts docs/experiments/compression.md's tables from the run folders' events.jsonl.

Usage: python3 compression_summary.py RUNS_DIR [RANKING_RUNS_DIR]
(needs python3-scipy for Welch's t-test and the rank correlations)
"""
import glob
import json
import math
import statistics
import sys

from scipy import stats


def events(folder):
    with open(folder + "/events.jsonl") as f:
        return [json.loads(line) for line in f if line.strip()]


def mean_sd(values):
    return statistics.mean(values), (statistics.stdev(values) if len(values) > 1 else float("nan"))


def compression(runs_dir):
    per_stage = {}
    for folder in sorted(glob.glob(runs_dir + "/*compression-fashion*")):
        ev = events(folder)
        last_epoch = {}
        removal = {}
        first_removal = {}
        steps = {}
        finished = {e["stage"] for e in ev if e["type"] == "StageFinished" and e.get("succeeded")}
        for e in ev:
            if e["type"] == "EpochEnded":
                last_epoch[e["stage"]] = e["accuracy"]
            elif e["type"] == "PruningStepCompleted":
                first_removal.setdefault(e["stage"], e)
                removal[e["stage"]] = e
            elif e["type"] == "CompressionStepCompleted":
                steps.setdefault(e["stage"], []).append(e)
        base = last_epoch["pretrain-1"]
        for stage, last in removal.items():
            if stage not in finished or "pretrain-1" not in finished:
                continue  # still running: its numbers are not final
            first = first_removal[stage]
            rec = per_stage.setdefault(stage, {"params": [], "flops": [], "before": [], "final": [],
                                               "greedy": [], "best": [], "first8": [], "last8": []})
            rec["params"].append(100 * (1 - last["parametersAfter"] / first["parametersBefore"]))
            rec["flops"].append(100 * (1 - last["flopsAfter"] / first["flopsBefore"]))
            rec["before"].append(100 * (base - last["accuracyAfter"]))
            rec["final"].append(100 * (base - last_epoch[stage]))
            tries = [s for s in steps.get(stage, []) if s["action"] == "TRY"]
            if tries:
                episodes = {}
                for s in tries:
                    episodes.setdefault(int(s["diagnostics"]["episode"]), []).append(s["accuracy"])
                ends = [episodes[k][-1] for k in sorted(episodes)]
                explore, greedy = ends[:-1], ends[-1]
                rec["greedy"].append(greedy)
                rec["best"].append(max(explore))
                rec["first8"].append(statistics.mean(explore[:8]))
                rec["last8"].append(statistics.mean(explore[-8:]))
    print("| stage | trials | parameters removed % | FLOPs removed % | drop before retraining | drop after retraining |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for stage, r in per_stage.items():
        p, _ = mean_sd(r["params"])
        f, _ = mean_sd(r["flops"])
        b = mean_sd(r["before"])
        d = mean_sd(r["final"])
        print(f"| {stage} | {len(r['final'])} | {p:.2f} | {f:.2f} | {b[0]:.2f} ± {b[1]:.2f} | {d[0]:.2f} ± {d[1]:.2f} |")
    print()
    print("Per trial, drop after retraining (points):")
    for stage, r in per_stage.items():
        print(f"- {stage}: " + ", ".join(f"{v:.2f}" for v in r["final"]))
    print()
    baseline = per_stage.get("hrank")
    for stage, r in per_stage.items():
        for against in ("hrank", "hrank-inherited"):
            if stage == against or against not in per_stage:
                continue
            t, p = stats.ttest_ind(r["final"], per_stage[against]["final"], equal_var=False)
            print(f"Welch {stage} vs {against}: difference {statistics.mean(r['final']) - statistics.mean(per_stage[against]['final']):+.2f} points, t = {t:.2f}, p = {p:.3f}")
    print()
    print("rl search: episode-end accuracy on the search images (mean over trials)")
    for stage, r in per_stage.items():
        if r["greedy"]:
            print(f"- {stage}: greedy {statistics.mean(r['greedy']):.3f} (per trial "
                  + ", ".join(f"{v:.3f}" for v in r["greedy"]) + f"), best exploring {statistics.mean(r['best']):.3f} "
                  + "(" + ", ".join(f"{v:.3f}" for v in r["best"]) + f"); first 8 exploring episodes "
                  f"{statistics.mean(r['first8']):.3f}, last 8 {statistics.mean(r['last8']):.3f}")


def ranking(runs_dir):
    print()
    print("Candidates measured three ways (rank correlation with the accuracy after 20 batches of retraining):")
    pooled = {"adapted": [], "inherited": [], "retrained": []}
    ends = {"adapted": [], "inherited": [], "retrained": []}
    for folder in sorted(glob.glob(runs_dir + "/*adaptive-bn-ranking*")):
        tries = [e for e in events(folder) if e["type"] == "CompressionStepCompleted" and e["action"] == "TRY"]
        if not tries:
            continue
        retrained = [e["accuracy"] for e in tries]
        adapted = [e["accuracyBeforeRetraining"] for e in tries]
        inherited = [e["accuracyInheritedStatistics"] for e in tries]
        ra = stats.spearmanr(adapted, retrained).statistic
        ri = stats.spearmanr(inherited, retrained).statistic
        print(f"- {folder.split('/')[-1]}: {len(tries)} candidates; Spearman adapted {ra:.3f}, inherited {ri:.3f}; "
              f"mean accuracy inherited {statistics.mean(inherited):.3f}, adapted {statistics.mean(adapted):.3f}, "
              f"retrained {statistics.mean(retrained):.3f}")
        pooled["adapted"] += adapted
        pooled["inherited"] += inherited
        pooled["retrained"] += retrained
        # the candidates that compete for the budget: each episode's last, every mask in place
        last = {}
        for e in tries:
            last[int(e["diagnostics"]["episode"])] = e
        ends["adapted"] += [e["accuracyBeforeRetraining"] for e in last.values()]
        ends["inherited"] += [e["accuracyInheritedStatistics"] for e in last.values()]
        ends["retrained"] += [e["accuracy"] for e in last.values()]
    if pooled["retrained"]:
        for what in ("adapted", "inherited"):
            r = stats.spearmanr(pooled[what], pooled["retrained"])
            k = stats.kendalltau(pooled[what], pooled["retrained"])
            print(f"- pooled, {what}: Spearman {r.statistic:.3f} (p = {r.pvalue:.2g}), Kendall {k.statistic:.3f}, "
                  f"n = {len(pooled['retrained'])}")
        for name, sample in (("every candidate", pooled), ("episode ends", ends)):
            low, high = bootstrap_difference(sample)
            print(f"- {name}: Spearman adapted minus inherited, 95 % bootstrap interval (2000 resamples of the "
                  f"candidates, seed 1): {low:+.3f} to {high:+.3f}")
        for what in ("adapted", "inherited"):
            r = stats.spearmanr(ends[what], ends["retrained"])
            print(f"- episode ends only (every candidate at the budget), {what}: Spearman {r.statistic:.3f} "
                  f"(p = {r.pvalue:.2g}), n = {len(ends['retrained'])}; mean accuracy {statistics.mean(ends[what]):.3f}, "
                  f"retrained {statistics.mean(ends['retrained']):.3f}")


def bootstrap_difference(sample, resamples=2000):
    import random
    rng = random.Random(1)
    n = len(sample["retrained"])
    differences = []
    for _ in range(resamples):
        idx = [rng.randrange(n) for _ in range(n)]
        pick = lambda key: [sample[key][i] for i in idx]
        a = stats.spearmanr(pick("adapted"), pick("retrained")).statistic
        b = stats.spearmanr(pick("inherited"), pick("retrained")).statistic
        if not (math.isnan(a) or math.isnan(b)):
            differences.append(a - b)
    differences.sort()
    return differences[int(0.025 * len(differences))], differences[int(0.975 * len(differences)) - 1]


if __name__ == "__main__":
    compression(sys.argv[1])
    if len(sys.argv) > 2:
        ranking(sys.argv[2])
