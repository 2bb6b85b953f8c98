package io.transferbench.runtime.internal.engine;

import io.transferbench.runtime.internal.data.LabelledImages;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Turns labelled images into NHWC float mini-batches scaled to [0, 1] with one-hot labels, in a
 * seeded order, with optional augmentation (random crop with 4-pixel zero padding and horizontal
 * flip) for training.
 */
public final class Batches {

    private final LabelledImages images;
    private final boolean augment;

    public Batches(LabelledImages images, boolean augment) {
        this.images = images;
        this.augment = augment;
    }

    public int size() {
        return images.size();
    }

    /** The first {@code n} images (all when fewer) in file order, never augmented: a fixed probe of a split. */
    public Batches firstImages(int n) {
        int count = Math.min(n, images.size());
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = i;
        }
        int[] identity = new int[images.classes()];
        for (int k = 0; k < identity.length; k++) {
            identity[k] = k;
        }
        return new Batches(images.select(indices, identity, images.classes()), false);
    }

    /** A permutation of the images for one epoch, the same for the same seed. */
    public int[] shuffledOrder(long seed) {
        int n = images.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The images {@code order[from..to)} as one batch; augmentation uses {@code random} when on. */
    public DataSet batch(int[] order, int from, int to, SplittableRandom random) {
        int b = to - from;
        int h = images.height();
        int w = images.width();
        int c = images.channels();
        int per = images.pixelsPerImage();
        byte[] pixels = images.pixels();
        float[] features = new float[b * per];
        float[] labels = new float[b * images.classes()];
        for (int i = 0; i < b; i++) {
            int image = order[from + i];
            int src = image * per;
            int dst = i * per;
            int dy = 0;
            int dx = 0;
            boolean flip = false;
            if (augment && random != null) {
                dy = random.nextInt(9) - 4;
                dx = random.nextInt(9) - 4;
                flip = random.nextBoolean();
            }
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (flip ? w - 1 - x : x) + dx;
                    boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                    for (int ch = 0; ch < c; ch++) {
                        // source is [channel][row][column]; NHWC puts the channel last
                        features[dst + (y * w + x) * c + ch] = inside
                                ? (pixels[src + (ch * h + sy) * w + sx] & 0xFF) / 255f : 0f;
                    }
                }
            }
            labels[i * images.classes() + images.labels()[image]] = 1f;
        }
        INDArray f = Nd4j.create(features, new long[] {b, h, w, c}, 'c');
        INDArray l = Nd4j.create(labels, new long[] {b, images.classes()}, 'c');
        return new DataSet(f.castTo(DataType.FLOAT), l.castTo(DataType.FLOAT));
    }
}
