package io.transferbench.plugins.patching;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.patching.CoefficientChoice;
import io.transferbench.api.patching.CoefficientSearch;
import io.transferbench.api.patching.CoefficientSearchFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code grid}: measures a = 0, step, 2 step, ..., 1 and keeps the best (the paper's baseline). */
public final class GridSearch implements CoefficientSearchFactory {

    @Override
    public String id() {
        return "grid";
    }

    @Override
    public String description() {
        return "Measures every coefficient of an evenly spaced grid over [0, 1] and keeps the best.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number("step", "Distance between grid points; 1 is always measured.")
                .withDefault(0.05).withMinimum(0.001).withMaximum(1));
    }

    @Override
    public CoefficientSearch create(ComponentParameters parameters) {
        List<Double> grid = points(parameters.number("step"));
        return objective -> {
            Measured measured = new Measured(objective);
            grid.forEach(measured::at);
            return new CoefficientChoice(measured.best(), String.format(Locale.ROOT, "best of %d grid points", grid.size()));
        };
    }

    /** 0, step, 2 step, ... and 1, computed as k / n when step divides 1 so that 0.15 is 0.15. */
    static List<Double> points(double step) {
        List<Double> out = new ArrayList<>();
        long n = Math.round(1 / step);
        if (Math.abs(n * step - 1) < 1e-9) {
            for (long k = 0; k <= n; k++) {
                out.add((double) k / n);
            }
            return out;
        }
        for (long k = 0; k * step < 1; k++) {
            out.add(k * step);
        }
        out.add(1.0);
        return out;
    }
}
