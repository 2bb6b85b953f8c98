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

    /**
     * The images framed by {@code border} rows and columns of zeros on every side, their channels
     * repeated to {@code toChannels} (a multiple of theirs): how a benchmark feeds 28x28x1 images to a
     * network built for 32x32x3 ones.
     */
    public LabelledImages framed(int border, int toChannels) {
        if (border < 0 || toChannels < channels || toChannels % channels != 0) {
            throw new IllegalArgumentException("cannot frame " + channels + "-channel images by " + border
                    + " into " + toChannels + " channels");
        }
        int outH = height + 2 * border;
        int outW = width + 2 * border;
        int plane = outH * outW;
        byte[] out = new byte[size() * toChannels * plane];
        for (int image = 0; image < size(); image++) {
            for (int c = 0; c < toChannels; c++) {
                int from = (image * channels + c % channels) * height * width;
                int to = (image * toChannels + c) * plane + border * outW + border;
                for (int row = 0; row < height; row++) {
                    System.arraycopy(pixels, from + row * width, out, to + row * outW, width);
                }
            }
        }
        return new LabelledImages(out, labels, toChannels, outH, outW, classes);
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
