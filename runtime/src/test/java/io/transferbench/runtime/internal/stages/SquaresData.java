package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.data.DataFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** A small Fashion-MNIST-format data set (gzip IDX) that a small CNN learns in an epoch or two. */
public final class SquaresData {

    private SquaresData() {
    }

    /** Class k has a bright 6x6 square at a position of its own, with noise; 600 training and 200 test images. */
    public static Path write(Path data) throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        for (String prefix : new String[] {"train", "t10k"}) {
            int n = prefix.equals("train") ? 600 : 200;
            byte[] pixels = new byte[n * 784];
            byte[] labels = new byte[n];
            for (int i = 0; i < n; i++) {
                int label = i % 10;
                labels[i] = (byte) label;
                for (int p = 0; p < 784; p++) {
                    pixels[i * 784 + p] = (byte) random.nextInt(60);
                }
                int top = 2 + (label / 5) * 12;
                int left = 2 + (label % 5) * 5;
                for (int y = top; y < top + 6; y++) {
                    for (int x = left; x < Math.min(28, left + 6); x++) {
                        pixels[i * 784 + y * 28 + x] = (byte) (200 + random.nextInt(55));
                    }
                }
            }
            DataFiles.idx(data.resolve(prefix + "-images-idx3-ubyte.gz"), new int[] {n, 28, 28}, pixels, true);
            DataFiles.idx(data.resolve(prefix + "-labels-idx1-ubyte.gz"), new int[] {n}, labels, true);
        }
        return data;
    }
}
