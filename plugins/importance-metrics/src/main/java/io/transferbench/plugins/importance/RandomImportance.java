package io.transferbench.plugins.importance;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;

import java.util.SplittableRandom;

/**
 * {@code random}: uniform random scores, the baseline every criterion must beat. Seeded from the
 * descriptor, so the same seed ranks the same way.
 */
public final class RandomImportance implements ImportanceMetricFactory {
    @Override
    public String id() {
        return "random";
    }

    @Override
    public String description() {
        return "Uniform random scores from the run's seed: the baseline every criterion must beat.";
    }

    @Override
    public ImportanceMetric create(ComponentParameters parameters) {
        SplittableRandom random = new SplittableRandom(parameters.seed());
        return (network, layer) -> random.doubles(layer.filters()).toArray();
    }
}
