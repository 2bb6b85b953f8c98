package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.selection.TaskDistance;
import io.transferbench.api.selection.TaskDistanceFactory;

import java.util.List;

/**
 * {@code kl}: the Kullback-Leibler divergence KL(p_to || p_from) between the embeddings read as distributions over
 * the probe's filters (each divided by its sum, smoothed): how badly the source's spread of information explains
 * the target's. Asymmetric; 0 for proportional embeddings.
 */
public final class KlDistance implements TaskDistanceFactory {

    @Override
    public String id() {
        return "kl";
    }

    @Override
    public String description() {
        return "KL divergence of the target's embedding from the source's, both read as distributions over filters.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(smoothing());
    }

    static ParameterSpec smoothing() {
        return ParameterSpec.number("smoothing", "Fraction of the mean value added to every filter before normalising, "
                + "so that a filter without information does not make the divergence infinite.")
                .withDefault(1e-3).withMinimum(1e-9).withMaximum(1);
    }

    @Override
    public TaskDistance create(ComponentParameters parameters) {
        double floor = parameters.number("smoothing");
        return (from, to) -> {
            Embeddings.checkPair(from, to);
            return divergence(Embeddings.distribution(to, floor), Embeddings.distribution(from, floor));
        };
    }

    /** KL(p || q) in nats. */
    static double divergence(double[] p, double[] q) {
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                sum += p[i] * Math.log(p[i] / q[i]);
            }
        }
        return Math.max(0, sum);
    }
}
