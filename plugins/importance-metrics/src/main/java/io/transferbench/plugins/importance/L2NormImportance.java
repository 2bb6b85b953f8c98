package io.transferbench.plugins.importance;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.network.FilterBank;

/** {@code l2}: the Euclidean norm of each filter's kernel weights. Bias excluded. */
public final class L2NormImportance implements ImportanceMetricFactory {
    @Override
    public String id() {
        return "l2";
    }

    @Override
    public String description() {
        return "L2 norm of each filter's kernel weights.";
    }

    @Override
    public ImportanceMetric create(ComponentParameters parameters) {
        return (network, layer) -> {
            FilterBank bank = network.filters(layer.name());
            double[] scores = new double[bank.filterCount()];
            for (int f = 0; f < scores.length; f++) {
                double sum = 0;
                for (float w : bank.kernel(f)) {
                    sum += (double) w * w;
                }
                scores[f] = Math.sqrt(sum);
            }
            return scores;
        };
    }
}
