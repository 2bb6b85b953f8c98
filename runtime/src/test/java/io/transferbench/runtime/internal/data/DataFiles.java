package io.transferbench.runtime.internal.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small data files in the real formats, for tests. */
public final class DataFiles {
    private DataFiles() {
    }

    public static void idx(Path file, int[] shape, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | shape.length);
        for (int d : shape) {
            out.writeInt(d);
        }
        out.write(data);
        out.flush();
        write(file, bytes.toByteArray(), gzip);
    }

    public static void write(Path file, byte[] content, boolean gzip) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
    }

    /**
     * An MNIST-style folder: {@code n} training and {@code n / 2} test images of {@code side x side},
     * label {@code i % 10}, every pixel of image i equal to i.
     */
    public static void mnistFolder(Path folder, int n, int side, boolean gzip) throws IOException {
        for (String prefix : new String[] {"train", "t10k"}) {
            int count = prefix.equals("train") ? n : n / 2;
            byte[] pixels = new byte[count * side * side];
            byte[] labels = new byte[count];
            for (int i = 0; i < count; i++) {
                java.util.Arrays.fill(pixels, i * side * side, (i + 1) * side * side, (byte) i);
                labels[i] = (byte) (i % 10);
            }
            String ext = gzip ? ".gz" : "";
            idx(folder.resolve(prefix + "-images-idx3-ubyte" + ext), new int[] {count, side, side}, pixels, gzip);
            idx(folder.resolve(prefix + "-labels-idx1-ubyte" + ext), new int[] {count}, labels, gzip);
        }
    }

    /** One CIFAR record: label byte(s), then 3072 pixels all equal to {@code value}. */
    public static byte[] cifarRecord(int[] labels, int value) {
        byte[] r = new byte[labels.length + 3072];
        for (int i = 0; i < labels.length; i++) {
            r[i] = (byte) labels[i];
        }
        java.util.Arrays.fill(r, labels.length, r.length, (byte) value);
        return r;
    }
}
