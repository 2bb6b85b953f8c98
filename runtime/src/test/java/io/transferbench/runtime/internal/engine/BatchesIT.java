package io.transferbench.runtime.internal.engine;

import io.transferbench.runtime.internal.data.LabelledImages;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class BatchesIT {

    /** Two 2x3 RGB images stored [channel][row][column]; pixel value = 100*channel + 10*row + column (+1 for image 1). */
    private static LabelledImages images() {
        byte[] p = new byte[2 * 3 * 2 * 3];
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 3; x++) {
                        p[((i * 3 + c) * 2 + y) * 3 + x] = (byte) (100 * c + 10 * y + x + i);
                    }
                }
            }
        }
        return new LabelledImages(p, new int[] {2, 0}, 3, 2, 3, 4);
    }

    @Test
    void batchesAreNhwcScaledWithOneHotLabels() {
        DataSet ds = new Batches(images(), false).batch(new int[] {1, 0}, 0, 2, null);
        INDArray f = ds.getFeatures();
        assertArrayEquals(new long[] {2, 2, 3, 3}, f.shape(), "[batch, height, width, channels]");
        // first row of the batch is image 1; pixel (row 1, column 2, channel 2) = 200 + 10 + 2 + 1
        assertEquals(213 / 255f, f.getFloat(0, 1, 2, 2), 1e-6);
        assertEquals(0 / 255f, f.getFloat(1, 0, 0, 0), 1e-6);
        assertArrayEquals(new float[] {1, 0, 0, 0}, ds.getLabels().getRow(0).toFloatVector());
        assertArrayEquals(new float[] {0, 0, 1, 0}, ds.getLabels().getRow(1).toFloatVector());
    }

    @Test
    void shuffledOrderIsAPermutationRepeatableBySeed() {
        Batches b = new Batches(new LabelledImages(new byte[50 * 4], new int[50], 1, 2, 2, 1), false);
        int[] a = b.shuffledOrder(9);
        assertArrayEquals(a, b.shuffledOrder(9));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b.shuffledOrder(10)));
        assertArrayEquals(java.util.stream.IntStream.range(0, 50).toArray(), java.util.Arrays.stream(a).sorted().toArray());
    }

    @Test
    void augmentationOnlyMovesAndMirrorsPixels() {
        Batches plain = new Batches(images(), false);
        Batches augmented = new Batches(images(), true);
        SplittableRandom random = new SplittableRandom(4);
        INDArray original = plain.batch(new int[] {0}, 0, 1, null).getFeatures();
        int changed = 0;
        for (int trial = 0; trial < 20; trial++) {
            INDArray f = augmented.batch(new int[] {0}, 0, 1, random).getFeatures();
            changed += f.equals(original) ? 0 : 1;
            // every value is either padding (0) or one of the original image's values
            for (float v : f.ravel().toFloatVector()) {
                boolean found = v == 0f;
                for (float o : original.ravel().toFloatVector()) {
                    found |= Math.abs(v - o) < 1e-7;
                }
                assertEquals(true, found, "value " + v + " is not from the image");
            }
        }
        assertNotEquals(0, changed, "augmentation changed nothing in 20 draws");
    }
}
