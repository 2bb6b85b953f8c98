package io.transferbench.plugins.importance;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.network.ActivationsWithGradients;
import io.transferbench.api.network.ConvLayerInfo;
import io.transferbench.api.network.Evaluation;
import io.transferbench.api.network.FeatureMaps;
import io.transferbench.api.network.FilterBank;
import io.transferbench.api.network.NetworkView;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** HRank, Taylor and APoZ on tiny feature maps whose answers are known by hand. */
class ActivationImportanceTest {

    /** Maps [image][channel][row][column] from per-image, per-channel matrices. */
    private static FeatureMaps maps(float[][][][] m) {
        int images = m.length;
        int channels = m[0].length;
        int h = m[0][0].length;
        int w = m[0][0][0].length;
        float[] v = new float[images * channels * h * w];
        int n = 0;
        for (float[][][] image : m) {
            for (float[][] channel : image) {
                for (float[] row : channel) {
                    for (float x : row) {
                        v[n++] = x;
                    }
                }
            }
        }
        return new FeatureMaps(v, images, channels, h, w);
    }

    /** A 4x4 sum of {@code r} seeded random outer products: rank r, not obviously so. */
    private static float[][] ofRank(int r, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] m = new float[4][4];
        for (int k = 0; k < r; k++) {
            double[] u = random.doubles(4, -1, 1).toArray();
            double[] v = random.doubles(4, -1, 1).toArray();
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    m[i][j] += (float) (u[i] * v[j]); // a sum of r random outer products has rank r
                }
            }
        }
        return m;
    }

    @Test
    void numericalRankOfMatricesOfKnownRank() {
        for (int r = 0; r <= 4; r++) {
            assertEquals(r, HRankImportance.rank(ofRank(r, 10 + r)), "rank " + r);
        }
        float[][] wide = {{1, 2, 3, 4, 5, 6}, {2, 4, 6, 8, 10, 12}, {0, 0, 1, 0, 0, 0}};
        assertEquals(2, HRankImportance.rank(wide), "second row is twice the first");
        // one ulp off singular (smallest singular value ~1e-7) is below sigma_max * max(H, W) * eps = 1.2e-6...
        float[][] almost = {{1, 2}, {2, Math.nextUp(4f)}};
        assertEquals(1, HRankImportance.rank(almost));
        // ...a perturbation whose smallest singular value (~2e-5) is above it counts
        float[][] clearly = {{1, 2}, {2, 4.0001f}};
        assertEquals(2, HRankImportance.rank(clearly));
    }

    @Test
    void hrankAveragesRanksOverImagesPerFilter() {
        float[][] zero = new float[4][4];
        FeatureMaps m = maps(new float[][][][] {
                {ofRank(1, 1), ofRank(2, 2), zero},
                {ofRank(3, 3), ofRank(2, 4), ofRank(4, 5)},
        });
        assertArrayEquals(new double[] {2.0, 2.0, 2.0}, HRankImportance.meanRanks(m), 1e-12);
        NetworkView view = view(m, null);
        double[] viaFactory = new HRankImportance().create(ComponentParameters.of("hrank", Map.of("images", 2L), 0))
                .score(view, LAYER);
        assertArrayEquals(new double[] {2.0, 2.0, 2.0}, viaFactory, 1e-12);
    }

    @Test
    void taylorIsTheAbsoluteMeanOfActivationTimesGradient() {
        // 2 images, 2 channels, 1x2 maps
        FeatureMaps a = maps(new float[][][][] {{{{1, 2}}, {{0, 3}}}, {{{4, 0}}, {{1, 1}}}});
        FeatureMaps g = maps(new float[][][][] {{{{0.5f, -1}}, {{7, 1}}}, {{{-1, 9}}, {{-2, 0}}}});
        ActivationsWithGradients ag = new ActivationsWithGradients(a, g);
        // channel 0: image 0 (0.5 - 2)/2 = -0.75, image 1 (-4 + 0)/2 = -2 -> |mean| 1.375; per image (0.75 + 2)/2 = 1.375
        // channel 1: image 0 (0 + 3)/2 = 1.5, image 1 (-2 + 0)/2 = -1 -> |mean| 0.25; per image (1.5 + 1)/2 = 1.25
        assertArrayEquals(new double[] {1.375, 0.25}, TaylorImportance.scores(ag, false), 1e-12);
        assertArrayEquals(new double[] {1.375, 1.25}, TaylorImportance.scores(ag, true), 1e-12);
        double[] viaFactory = new TaylorImportance().create(ComponentParameters.of("taylor",
                Map.of("images", 2L, "per-image", false), 0)).score(view(a, ag), LAYER);
        assertArrayEquals(new double[] {1.375, 0.25}, viaFactory, 1e-12);
    }

    @Test
    void apozIsOneMinusTheFractionOfZeros() {
        FeatureMaps m = maps(new float[][][][] {{{{0, 2}}, {{0, 0}}}, {{{4, 1}}, {{0, 5}}}});
        // channel 0: 1 zero of 4 -> 0.75; channel 1: 3 zeros of 4 -> 0.25
        assertArrayEquals(new double[] {0.75, 0.25}, ApozImportance.scores(m), 1e-12);
    }

    private static final ConvLayerInfo LAYER = new ConvLayerInfo("conv1", 0, 3, 1, 3, 3, false);

    private static NetworkView view(FeatureMaps maps, ActivationsWithGradients ag) {
        return new NetworkView() {
            @Override public String name() { return "net"; }
            @Override public List<ConvLayerInfo> convLayers() { return List.of(LAYER); }
            @Override public FilterBank filters(String layer) { throw new UnsupportedOperationException(); }
            @Override public FeatureMaps activations(String layer, int maxImages) {
                assertEquals(2, maxImages, "the images parameter reaches the view");
                return maps;
            }
            @Override public ActivationsWithGradients activationsWithGradients(String layer, int maxImages) {
                assertEquals(2, maxImages);
                return ag;
            }
            @Override public Evaluation evaluate() { throw new UnsupportedOperationException(); }
        };
    }
}
