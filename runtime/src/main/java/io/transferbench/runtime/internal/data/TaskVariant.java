package io.transferbench.runtime.internal.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How a task's images and labels differ from the data set's: offline there is one real data set, so
 * new tasks come from transformations of it. Applied in this order to every image of every split:
 * rotation, transposition, a fixed pixel permutation, inversion, additive Gaussian noise. Label noise
 * changes the training split's labels only (what is measured stays clean).
 *
 * @param rotate        degrees counter-clockwise: 0, 90, 180 or 270
 * @param transpose     mirror along the main diagonal (rows become columns)
 * @param permutePixels one seeded permutation of the pixel positions, the same for every image
 * @param invert        {@code 255 - v} for every pixel value
 * @param noise         standard deviation of additive Gaussian noise on pixel values scaled to [0, 1],
 *                      clipped back into [0, 1]; each image its own seeded draw
 * @param labelNoise    fraction of training labels replaced by another class, chosen at random (seeded);
 *                      exactly {@code round(labelNoise * n)} labels change
 */
public record TaskVariant(int rotate, boolean transpose, boolean permutePixels, boolean invert, double noise,
                          double labelNoise) {

    /** The data set as it is. */
    public static final TaskVariant NONE = new TaskVariant(0, false, false, false, 0, 0);

    public TaskVariant {
        if (rotate % 90 != 0 || rotate < 0 || rotate >= 360) {
            throw new IllegalArgumentException("rotation " + rotate + " is not 0, 90, 180 or 270");
        }
        if (!(noise >= 0) || !(labelNoise >= 0 && labelNoise < 1)) {
            throw new IllegalArgumentException("noise " + noise + " or label noise " + labelNoise + " out of range");
        }
    }

    /** Whether it changes the images at all. */
    public boolean changesImages() {
        return rotate != 0 || transpose || permutePixels || invert || noise > 0;
    }

    /**
     * The images transformed. The pixel permutation depends on {@code seed} alone (the same for every
     * split of the task); the noise on {@code seed} and {@code split}, so the splits draw differently.
     */
    public LabelledImages apply(LabelledImages images, long seed, int split) {
        if (!changesImages()) {
            return images;
        }
        int h = images.height();
        int w = images.width();
        boolean swap = (rotate == 90 || rotate == 270) != transpose;
        int outH = swap ? w : h;
        int outW = swap ? h : w;
        int[] source = sourceIndex(h, w);
        if (permutePixels) {
            source = permuted(source, new SplittableRandom(seed));
        }
        int plane = h * w;
        int per = images.pixelsPerImage();
        byte[] in = images.pixels();
        byte[] out = new byte[in.length];
        SplittableRandom noiseRandom = new SplittableRandom(seed ^ (0x632BE59BD9B4E019L * (split + 1)));
        for (int image = 0; image < images.size(); image++) {
            for (int c = 0; c < images.channels(); c++) {
                int base = image * per + c * plane;
                for (int p = 0; p < plane; p++) {
                    int v = in[base + source[p]] & 0xff;
                    if (invert) {
                        v = 255 - v;
                    }
                    if (noise > 0) {
                        double x = v / 255.0 + noise * gaussian(noiseRandom);
                        v = (int) Math.round(Math.max(0, Math.min(1, x)) * 255);
                    }
                    out[base + p] = (byte) v;
                }
            }
        }
        return new LabelledImages(out, images.labels(), images.channels(), outH, outW, images.classes());
    }

    /**
     * For each output position (row-major in the output's shape), the input position it takes: the
     * rotation and transposition as one index map.
     */
    private int[] sourceIndex(int h, int w) {
        // start from the identity on an h x w grid and apply the steps to (row, column) pairs
        int rows = h;
        int cols = w;
        int[][] grid = new int[h][w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                grid[r][c] = r * w + c;
            }
        }
        for (int turn = 0; turn < rotate / 90; turn++) {
            // 90 degrees counter-clockwise: new[r][c] = old[c][cols - 1 - r]
            int[][] next = new int[cols][rows];
            for (int r = 0; r < cols; r++) {
                for (int c = 0; c < rows; c++) {
                    next[r][c] = grid[c][cols - 1 - r];
                }
            }
            grid = next;
            int t = rows;
            rows = cols;
            cols = t;
        }
        if (transpose) {
            int[][] next = new int[cols][rows];
            for (int r = 0; r < cols; r++) {
                for (int c = 0; c < rows; c++) {
                    next[r][c] = grid[c][r];
                }
            }
            grid = next;
            int t = rows;
            rows = cols;
            cols = t;
        }
        int[] index = new int[h * w];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(grid[r], 0, index, r * cols, cols);
        }
        return index;
    }

    private static int[] permuted(int[] index, SplittableRandom random) {
        int[] p = Arrays.copyOf(index, index.length);
        for (int i = p.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A standard normal draw (Box-Muller), so the stream is fully determined by the generator's seed. */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** The labels with exactly {@code round(labelNoise * n)} of them replaced by another class, seeded. */
    public LabelledImages noisyLabels(LabelledImages images, long seed) {
        int n = images.size();
        int changed = (int) Math.round(labelNoise * n);
        if (changed == 0 || images.classes() < 2) {
            return images;
        }
        SplittableRandom random = new SplittableRandom(seed ^ 0x5851F42D4C957F2DL);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] labels = Arrays.copyOf(images.labels(), n);
        for (int i = 0; i < changed; i++) {
            int j = i + random.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            int image = order[i];
            // another class, uniformly: skip over the true one
            int other = random.nextInt(images.classes() - 1);
            labels[image] = other >= labels[image] ? other + 1 : other;
        }
        return new LabelledImages(images.pixels(), labels, images.channels(), images.height(), images.width(),
                images.classes());
    }
}
