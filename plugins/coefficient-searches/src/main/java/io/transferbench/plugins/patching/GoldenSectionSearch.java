package io.transferbench.plugins.patching;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.patching.CoefficientChoice;
import io.transferbench.api.patching.CoefficientSearch;
import io.transferbench.api.patching.CoefficientSearchFactory;

import java.util.List;
import java.util.Locale;

/**
 * {@code golden-section}: measures both ends, then shrinks [0, 1] by the golden ratio, one new measurement per
 * step, until its budget is spent; keeps the best measured coefficient. A baseline for the same budget as
 * {@code quasi-convex} (15 by default).
 */
public final class GoldenSectionSearch implements CoefficientSearchFactory {

    private static final double INVERSE_PHI = (Math.sqrt(5) - 1) / 2;

    @Override
    public String id() {
        return "golden-section";
    }

    @Override
    public String description() {
        return "Golden-section search over [0, 1] after measuring both ends; keeps the best of a fixed number of "
                + "measurements.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("evaluations", "Coefficients measured in all, both ends included.")
                .withDefault(15).withMinimum(4).withMaximum(200));
    }

    @Override
    public CoefficientSearch create(ComponentParameters parameters) {
        int budget = (int) parameters.integer("evaluations");
        return objective -> {
            Measured m = new Measured(objective);
            m.at(0);
            m.at(1);
            double lo = 0;
            double hi = 1;
            double x1 = hi - INVERSE_PHI * (hi - lo);
            double x2 = lo + INVERSE_PHI * (hi - lo);
            double f1 = m.at(x1);
            double f2 = m.at(x2);
            while (m.size() < budget && hi - lo > 1e-12) {
                if (f1 <= f2) {
                    hi = x2;
                    x2 = x1;
                    f2 = f1;
                    x1 = hi - INVERSE_PHI * (hi - lo);
                    f1 = m.at(x1);
                } else {
                    lo = x1;
                    x1 = x2;
                    f1 = f2;
                    x2 = lo + INVERSE_PHI * (hi - lo);
                    f2 = m.at(x2);
                }
            }
            return new CoefficientChoice(m.best(), String.format(Locale.ROOT,
                    "best of %d measurements; final bracket [%.4f, %.4f]", m.size(), lo, hi));
        };
    }
}
