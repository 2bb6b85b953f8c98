package io.transferbench.plugins.importance;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.network.ActivationsWithGradients;
import io.transferbench.api.network.FeatureMaps;

import java.util.List;

/**
 * {@code taylor}: the first-order Taylor estimate of the loss change when a filter's map is zeroed
 * (Molchanov et al. 2017), {@code |mean(a * dL/da)|} over the first {@code images} training images and
 * all positions. With {@code per-image: true} the absolute value is taken per image and then averaged,
 * as Molchanov's reference implementation accumulates it over mini-batches.
 */
public final class TaylorImportance implements ImportanceMetricFactory {

    @Override
    public String id() {
        return "taylor";
    }

    @Override
    public String description() {
        return "|mean of activation x loss gradient| of each filter's map (Taylor criterion, Molchanov et al. 2017).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.integer("images", "Training images of the forward and backward pass.").withDefault(256L)
                        .withMinimum(1),
                ParameterSpec.flag("per-image", "Take the absolute value per image, then average (Molchanov's code); "
                        + "false: the absolute value of the overall mean (SPEC.md).").withDefault(false));
    }

    @Override
    public ImportanceMetric create(ComponentParameters parameters) {
        int images = (int) parameters.integer("images");
        boolean perImage = parameters.flag("per-image");
        return (network, layer) -> scores(network.activationsWithGradients(layer.name(), images), perImage);
    }

    static double[] scores(ActivationsWithGradients ag, boolean perImage) {
        FeatureMaps a = ag.activations();
        FeatureMaps g = ag.gradients();
        int positions = a.height() * a.width();
        double[] scores = new double[a.channels()];
        for (int c = 0; c < a.channels(); c++) {
            double total = 0;
            for (int i = 0; i < a.images(); i++) {
                double sum = 0;
                for (int y = 0; y < a.height(); y++) {
                    for (int x = 0; x < a.width(); x++) {
                        sum += (double) a.get(i, c, y, x) * g.get(i, c, y, x);
                    }
                }
                double mean = sum / positions;
                total += perImage ? Math.abs(mean) : mean;
            }
            scores[c] = perImage ? total / a.images() : Math.abs(total / a.images());
        }
        return scores;
    }
}
