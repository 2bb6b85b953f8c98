package io.transferbench.plugins.importance;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.network.FilterBank;

/** {@code l1}: the sum of absolute kernel weights of each filter (Li et al. 2017). Bias excluded. */
public final class L1NormImportance implements ImportanceMetricFactory {
    @Override
    public String id() {
        return "l1";
    }

    @Override
    public String description() {
        return "L1 norm of each filter's kernel weights (Li et al. 2017).";
    }

    @Override
    public ImportanceMetric create(ComponentParameters parameters) {
        return (network, layer) -> {
            FilterBank bank = network.filters(layer.name());
            double[] scores = new double[bank.filterCount()];
            for (int f = 0; f < scores.length; f++) {
                double sum = 0;
                for (float w : bank.kernel(f)) {
                    sum += Math.abs(w);
                }
                scores[f] = sum;
            }
            return scores;
        };
    }
}
