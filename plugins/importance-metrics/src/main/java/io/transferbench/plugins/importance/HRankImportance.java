package io.transferbench.plugins.importance;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.importance.ImportanceMetric;
import io.transferbench.api.importance.ImportanceMetricFactory;
import io.transferbench.api.network.FeatureMaps;

import java.util.List;
import java.util.stream.IntStream;

/**
 * {@code hrank}: the mean numerical rank of each filter's post-activation feature maps over the
 * first {@code images} training images (Lin et al. 2020). A map's rank counts its singular values
 * above {@code sigma_max * max(H, W) * eps}, eps being float32's machine epsilon, as
 * {@code torch.linalg.matrix_rank} does for float32 maps.
 */
public final class HRankImportance implements ImportanceMetricFactory {

    /** float32 machine epsilon, 2^-23: the maps are float32. */
    static final double FLOAT_EPSILON = Math.ulp(1.0f);

    @Override
    public String id() {
        return "hrank";
    }

    @Override
    public String description() {
        return "Mean numerical rank of each filter's feature maps over a batch of images (HRank, Lin et al. 2020).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.integer("images", "Training images the ranks are averaged over.")
                .withDefault(256L).withMinimum(1));
    }

    @Override
    public ImportanceMetric create(ComponentParameters parameters) {
        int images = (int) parameters.integer("images");
        return (network, layer) -> meanRanks(network.activations(layer.name(), images));
    }

    static double[] meanRanks(FeatureMaps maps) {
        // filters are independent: spread them over the cores
        return IntStream.range(0, maps.channels()).parallel().mapToDouble(c -> {
            long sum = 0;
            for (int i = 0; i < maps.images(); i++) {
                sum += rank(maps.map(i, c));
            }
            return (double) sum / maps.images();
        }).toArray();
    }

    /**
     * Numerical rank of a matrix given as rows: the singular values above σ₁·max(H, W)·ε(float), the
     * threshold of numpy's and torch's matrix_rank that HRank's code calls.
     */
    static int rank(float[][] matrix) {
        return SingularValues.rank(matrix, Math.max(matrix.length, matrix[0].length) * FLOAT_EPSILON);
    }
}
