package io.transferbench.runtime.internal.data;

import java.util.Arrays;

/**
 * Images with labels, as unsigned bytes in {@code [image][channel][row][column]} order.
 * Kept as bytes (a quarter of the memory of floats); scaled to [0, 1] when batched.
 */
public record LabelledImages(byte[] pixels, int[] labels, int channels, int height, int width, int classes) {

    public LabelledImages {
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixels do not fill " + labels.length + " images of "
                    + channels + "x" + height + "x" + width);
        }
    }

    public int size() {
        return labels.length;
    }

    public int pixelsPerImage() {
        return channels * height * width;
    }

    /** The images at {@code indices}, in that order, with labels mapped by {@code relabel} (old -> new). */
    public LabelledImages select(int[] indices, int[] relabel, int newClasses) {
        int per = pixelsPerImage();
        byte[] p = new byte[indices.length * per];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * per, p, i * per, per);
            l[i] = relabel[labels[indices[i]]];
        }
        return new LabelledImages(p, l, channels, height, width, newClasses);
    }

    /** How many images each label has. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return size() + " images " + channels + "x" + height + "x" + width + ", " + classes + " classes "
                + Arrays.toString(classCounts());
    }
}
