package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.selection.TaskDistance;
import io.transferbench.api.selection.TaskDistanceFactory;

import java.util.List;

/** {@code jsd}: the Jensen-Shannon divergence of the embeddings read as distributions over filters (0 to ln 2). */
public final class JensenShannonDistance implements TaskDistanceFactory {

    @Override
    public String id() {
        return "jsd";
    }

    @Override
    public String description() {
        return "Jensen-Shannon divergence of the two embeddings read as distributions over filters (symmetric, "
                + "0 to ln 2).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number("smoothing", "Fraction of the mean value added to every filter before "
                + "normalising (the divergence stays finite without it).").withDefault(0.0).withMinimum(0).withMaximum(1));
    }

    @Override
    public TaskDistance create(ComponentParameters parameters) {
        double floor = parameters.number("smoothing");
        return (from, to) -> {
            Embeddings.checkPair(from, to);
            double[] p = Embeddings.distribution(from, floor);
            double[] q = Embeddings.distribution(to, floor);
            double[] m = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                m[i] = (p[i] + q[i]) / 2;
            }
            return (KlDistance.divergence(p, m) + KlDistance.divergence(q, m)) / 2;
        };
    }
}
