package io.transferbench.runtime.internal.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST family's format), gzip-compressed or raw, recognised by content rather
 * than by name. Only unsigned-byte data (type 0x08) is used by these data sets.
 */
public final class IdxReader {

    /** The dimensions and bytes of one IDX file. */
    public record IdxArray(int[] dimensions, byte[] data) {
    }

    private IdxReader() {
    }

    public static IdxArray read(Path file, int expectedDimensions, String remedy) throws DataException {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file, "file not found", remedy);
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(open(file), 1 << 16))) {
            int magic = in.readInt();
            int type = (magic >>> 8) & 0xFF;
            int dims = magic & 0xFF;
            if ((magic >>> 16) != 0 || type != 0x08) {
                throw new DataException(file, String.format("not an unsigned-byte IDX file (magic 0x%08X, expected "
                        + "0x000008%02X)", magic, expectedDimensions), remedy);
            }
            if (dims != expectedDimensions) {
                throw new DataException(file, "has " + dims + " dimensions, expected " + expectedDimensions, remedy);
            }
            int[] shape = new int[dims];
            long size = 1;
            for (int i = 0; i < dims; i++) {
                shape[i] = in.readInt();
                if (shape[i] <= 0) {
                    throw new DataException(file, "dimension " + i + " is " + shape[i], remedy);
                }
                size *= shape[i];
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new DataException(file, "declares " + size + " values, too many to load", remedy);
            }
            byte[] data = new byte[(int) size];
            in.readFully(data);
            if (in.read() != -1) {
                throw new DataException(file, "has data after the " + size + " values its header declares", remedy);
            }
            return new IdxArray(shape, data);
        } catch (EOFException e) {
            throw new DataException(file, "is truncated: it ends before the values its header declares", remedy);
        } catch (IOException e) {
            throw new DataException(file, "cannot be read (" + e.getMessage() + ")", remedy);
        }
    }

    /** Opens a file, decompressing it when it starts with the gzip magic bytes. */
    static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    }
}
