package io.transferbench.api.network;

import java.util.Arrays;

/**
 * Feature maps (or their gradients) of one layer for a batch of images, in
 * {@code [image][channel][row][column]} order, whatever layout the engine uses internally.
 */
public final class FeatureMaps {

    private final float[] values;
    private final int images;
    private final int channels;
    private final int height;
    private final int width;

    public FeatureMaps(float[] values, int images, int channels, int height, int width) {
        if ((long) images * channels * height * width != values.length) {
            throw new IllegalArgumentException(values.length + " values do not fill " + images + "x" + channels
                    + "x" + height + "x" + width);
        }
        this.values = values.clone();
        this.images = images;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    public int images() {
        return images;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The value at one position. */
    public float get(int image, int channel, int row, int column) {
        return values[((image * channels + channel) * height + row) * width + column];
    }

    /** One channel's map for one image as {@code height x width} rows (a copy). */
    public float[][] map(int image, int channel) {
        float[][] m = new float[height][];
        int base = (image * channels + channel) * height * width;
        for (int r = 0; r < height; r++) {
            m[r] = Arrays.copyOfRange(values, base + r * width, base + (r + 1) * width);
        }
        return m;
    }

    /** All values, a copy. */
    public float[] values() {
        return values.clone();
    }
}
