package io.transferbench.plugins.importance;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.network.FeatureMaps;

import java.util.List;

/**
 * {@code apoz}: one minus the Average Percentage of Zeros of each filter's post-activation map over
 * the first {@code images} training images (Hu et al. 2016); a filter that is rarely active scores low.
 * The score is a fraction in [0, 1].
 */
public final class ApozImportance implements ImportanceMetricFactory {

    @Override
    public String id() {
        return "apoz";
    }

    @Override
    public String description() {
        return "1 - average percentage of zero activations of each filter (APoZ, Hu et al. 2016).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("images", "Training images the zeros are counted over.").withDefault(256L)
                .withMinimum(1));
    }

    @Override
    public ImportanceMetric create(ComponentParameters parameters) {
        int images = (int) parameters.integer("images");
        return (network, layer) -> scores(network.activations(layer.name(), images));
    }

    static double[] scores(FeatureMaps maps) {
        double[] scores = new double[maps.channels()];
        long perChannel = (long) maps.images() * maps.height() * maps.width();
        for (int c = 0; c < maps.channels(); c++) {
            long zeros = 0;
            for (int i = 0; i < maps.images(); i++) {
                for (int y = 0; y < maps.height(); y++) {
                    for (int x = 0; x < maps.width(); x++) {
                        if (maps.get(i, c, y, x) == 0f) {
                            zeros++;
                        }
                    }
                }
            }
            scores[c] = 1.0 - (double) zeros / perChannel;
        }
        return scores;
    }
}
