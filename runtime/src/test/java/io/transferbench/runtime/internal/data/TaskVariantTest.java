package io.transferbench.runtime.internal.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The task variants on tiny images, checked by hand. */
class TaskVariantTest {

    /**
     * One grey 2x3 image:
     * <pre>
     * 1 2 3
     * 4 5 6
     * </pre>
     * and a second with every value + 10.
     */
    private static LabelledImages images() {
        return new LabelledImages(new byte[] {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16}, new int[] {0, 1}, 1, 2, 3, 2);
    }

    private static LabelledImages apply(TaskVariant v) {
        return v.apply(images(), 7, 0);
    }

    private static byte[] first(LabelledImages images) {
        return Arrays.copyOf(images.pixels(), images.pixelsPerImage());
    }

    @Test
    void rotationsAndTranspositionMoveThePixelsAsDrawn() {
        // 90 counter-clockwise: 3 6 / 2 5 / 1 4 (3x2)
        LabelledImages r90 = apply(new TaskVariant(90, false, false, false, 0, 0));
        assertEquals(3, r90.height());
        assertEquals(2, r90.width());
        assertArrayEquals(new byte[] {3, 6, 2, 5, 1, 4}, first(r90));
        assertArrayEquals(new byte[] {6, 5, 4, 3, 2, 1}, first(apply(new TaskVariant(180, false, false, false, 0, 0))));
        assertArrayEquals(new byte[] {4, 1, 5, 2, 6, 3}, first(apply(new TaskVariant(270, false, false, false, 0, 0))));
        LabelledImages t = apply(new TaskVariant(0, true, false, false, 0, 0));
        assertArrayEquals(new byte[] {1, 4, 2, 5, 3, 6}, first(t));
        assertEquals(3, t.height());
        // the second image moves the same way
        assertArrayEquals(new byte[] {13, 16, 12, 15, 11, 14}, Arrays.copyOfRange(r90.pixels(), 6, 12));
    }

    @Test
    void inversionAndTheDataSetAsItIs() {
        byte[] inverted = first(apply(new TaskVariant(0, false, false, true, 0, 0)));
        assertArrayEquals(new byte[] {(byte) 254, (byte) 253, (byte) 252, (byte) 251, (byte) 250, (byte) 249}, inverted);
        assertArrayEquals(images().pixels(), TaskVariant.NONE.apply(images(), 7, 0).pixels());
    }

    @Test
    void thePixelPermutationIsOneSeededPermutationForEveryImageAndSplit() {
        TaskVariant v = new TaskVariant(0, false, true, false, 0, 0);
        byte[] a = v.apply(images(), 7, 0).pixels();
        byte[] sorted = Arrays.copyOf(a, 6);
        Arrays.sort(sorted);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, sorted, "a permutation of the first image");
        for (int p = 0; p < 6; p++) {
            assertEquals(a[p] + 10, a[6 + p], "the same permutation for the second image");
        }
        assertArrayEquals(a, v.apply(images(), 7, 2).pixels(), "the same for every split");
        assertArrayEquals(a, v.apply(images(), 7, 0).pixels(), "seeded");
        boolean differs = false;
        for (long seed = 8; seed < 20 && !differs; seed++) {
            differs = !Arrays.equals(a, v.apply(images(), seed, 0).pixels());
        }
        assertTrue(differs, "another seed, another permutation");
    }

    @Test
    void noiseHasTheStatedLevelAndIsSeeded() {
        int n = 2000;
        byte[] grey = new byte[n * 4];
        Arrays.fill(grey, (byte) 128);
        LabelledImages flat = new LabelledImages(grey, new int[n], 1, 2, 2, 1);
        TaskVariant v = new TaskVariant(0, false, false, false, 0.1, 0);
        byte[] noisy = v.apply(flat, 3, 0).pixels();
        double sum = 0;
        double squares = 0;
        for (byte b : noisy) {
            double x = (b & 0xff) / 255.0 - 128 / 255.0;
            sum += x;
            squares += x * x;
        }
        double mean = sum / noisy.length;
        double sd = Math.sqrt(squares / noisy.length - mean * mean);
        assertEquals(0, mean, 0.005);
        assertEquals(0.1, sd, 0.005, "the stated standard deviation (pixel rounding adds about 0.001)");
        assertArrayEquals(noisy, v.apply(flat, 3, 0).pixels());
        assertNotEquals(Arrays.toString(noisy), Arrays.toString(v.apply(flat, 3, 1).pixels()), "splits draw apart");
    }

    @Test
    void labelNoiseChangesExactlyTheStatedFractionSeeded() {
        int n = 1000;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 5;
        }
        LabelledImages clean = new LabelledImages(new byte[n], labels, 1, 1, 1, 5);
        TaskVariant v = new TaskVariant(0, false, false, false, 0, 0.2);
        LabelledImages noisy = v.noisyLabels(clean, 11);
        int changed = 0;
        for (int i = 0; i < n; i++) {
            if (noisy.labels()[i] != labels[i]) {
                changed++;
                assertTrue(noisy.labels()[i] >= 0 && noisy.labels()[i] < 5);
            }
        }
        assertEquals(200, changed, "round(0.2 * 1000), each to another class");
        assertArrayEquals(noisy.labels(), v.noisyLabels(clean, 11).labels(), "seeded");
        assertTrue(!Arrays.equals(noisy.labels(), v.noisyLabels(clean, 12).labels()));
        assertArrayEquals(clean.pixels(), noisy.pixels());
    }

    @Test
    void aValidationSplitIsHeldOutOfTrainingPerClassSeeded() throws DataException {
        // 10 training images per class of 3 classes, 4 test images per class
        int per = 10;
        byte[] pixels = new byte[3 * per];
        int[] labels = new int[3 * per];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
            pixels[i] = (byte) i; // the image's index, to follow it
        }
        LabelledImages train = new LabelledImages(pixels, labels, 1, 1, 1, 3);
        LabelledImages test = new LabelledImages(new byte[12], new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2}, 1, 1, 1, 3);
        DatasetSplits splits = new DatasetSplits(train, test, new int[0], new int[0]);
        TaskData.Cut cut = new TaskData.Cut(List.of(2, 0), 0, 0, 3, TaskVariant.NONE, 5);
        TaskData t = TaskData.cut("t", splits, cut);
        assertArrayEquals(new int[] {3, 3}, t.validation().classCounts(), "3 per kept class");
        assertArrayEquals(new int[] {7, 7}, t.train().classCounts(), "the rest trains");
        for (byte v : t.validation().pixels()) {
            for (byte tr : t.train().pixels()) {
                assertNotEquals(v, tr, "validation and training are disjoint");
            }
        }
        assertArrayEquals(t.validation().pixels(), TaskData.cut("t", splits, cut).validation().pixels(), "seeded");
        assertEquals(8, t.eval().size());
        DataException tooMany = assertThrows(DataException.class, () -> TaskData.cut("t", splits,
                new TaskData.Cut(List.of(0), 0, 0, 10, TaskVariant.NONE, 5)));
        assertTrue(tooMany.getMessage().contains("class 0 has 10 training images"), tooMany.getMessage());
    }
}
