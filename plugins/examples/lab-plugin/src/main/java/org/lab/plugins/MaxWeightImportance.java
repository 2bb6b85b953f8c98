package org.lab.plugins;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.network.FilterBank;

/** {@code max-weight}: a filter's largest absolute kernel weight. */
public final class MaxWeightImportance implements ImportanceMetricFactory {

    @Override
    public String id() {
        return "max-weight";
    }

    @Override
    public String description() {
        return "A filter's largest absolute kernel weight.";
    }

    @Override
    public ImportanceMetric create(ComponentParameters parameters) {
        return (network, layer) -> {
            FilterBank bank = network.filters(layer.name());
            double[] scores = new double[bank.filterCount()];
            for (int f = 0; f < scores.length; f++) {
                for (float w : bank.kernel(f)) {
                    scores[f] = Math.max(scores[f], Math.abs(w));
                }
            }
            return scores;
        };
    }
}
