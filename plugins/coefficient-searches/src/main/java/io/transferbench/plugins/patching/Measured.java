package io.transferbench.plugins.patching;

import io.transferbench.api.patching.PatchObjective;

import java.util.Map;
import java.util.TreeMap;

/** The coefficients a search has measured, in coefficient order, with the objective at each. */
final class Measured {

    private final PatchObjective objective;
    private final TreeMap<Double, Double> values = new TreeMap<>();

    Measured(PatchObjective objective) {
        this.objective = objective;
    }

    double at(double a) {
        return values.computeIfAbsent(a, objective::at);
    }

    /** The measured coefficient with the lowest objective (the smaller coefficient on a tie). */
    double best() {
        Map.Entry<Double, Double> best = null;
        for (Map.Entry<Double, Double> e : values.entrySet()) {
            if (best == null || e.getValue() < best.getValue()) {
                best = e;
            }
        }
        if (best == null) {
            throw new IllegalStateException("nothing measured yet");
        }
        return best.getKey();
    }

    double valueAt(double a) {
        return values.get(a);
    }

    TreeMap<Double, Double> all() {
        return values;
    }

    int size() {
        return values.size();
    }
}
