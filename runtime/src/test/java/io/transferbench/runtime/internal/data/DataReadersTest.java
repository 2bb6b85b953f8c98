package io.transferbench.runtime.internal.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataReadersTest {

    @TempDir
    Path dir;

    @Test
    void readsGzipAndRawIdxFolders() throws Exception {
        for (boolean gzip : new boolean[] {true, false}) {
            Path folder = dir.resolve(gzip ? "gz" : "raw");
            DataFiles.mnistFolder(folder, 20, 4, gzip);
            DatasetSplits s = new DatasetLoader().load("fashion-mnist", folder);
            assertEquals(20, s.train().size());
            assertEquals(10, s.eval().size());
            assertEquals(1, s.train().channels());
            assertEquals(4, s.train().height());
            assertEquals(3, s.train().labels()[13], "label of image 13 is 13 % 10");
            assertEquals(7, s.train().pixels()[7 * 16 + 5], "every pixel of image 7 is 7");
        }
    }

    @Test
    void missingFashionMnistSaysHowToInstallIt() {
        DataException e = assertThrows(DataException.class, () -> new DatasetLoader().load("fashion-mnist", dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte: file not found"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void truncatedIdxIsReportedWithTheFile() throws IOException {
        DataFiles.mnistFolder(dir, 20, 4, true);
        Path images = dir.resolve("train-images-idx3-ubyte.gz");
        byte[] whole;
        try (var in = IdxReader.open(images)) {
            whole = in.readAllBytes();
        }
        DataFiles.write(images, java.util.Arrays.copyOf(whole, whole.length - 10), true);
        DataException e = assertThrows(DataException.class, () -> new DatasetLoader().load("fashion-mnist", dir));
        assertTrue(e.getMessage().startsWith(images + ": is truncated"), e.getMessage());
    }

    @Test
    void wrongMagicIsReported() throws IOException {
        Path file = dir.resolve("x");
        DataFiles.write(file, new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0}, false);
        DataException e = assertThrows(DataException.class, () -> IdxReader.read(file, 1, ""));
        assertTrue(e.getMessage().contains("not an unsigned-byte IDX file (magic 0x00000D01, expected 0x00000801)"),
                e.getMessage());
    }

    @Test
    void labelAndImageCountsMustAgree() throws IOException {
        DataFiles.mnistFolder(dir, 20, 4, false);
        DataFiles.idx(dir.resolve("t10k-labels-idx1-ubyte"), new int[] {3}, new byte[] {1, 2, 3}, false);
        DataException e = assertThrows(DataException.class, () -> new DatasetLoader().load("mnist", dir));
        assertTrue(e.getMessage().contains("holds 3 labels but t10k-images-idx3-ubyte holds 10 images"), e.getMessage());
    }

    @Test
    void readsCifar10BinaryBatches() throws Exception {
        Path base = dir.resolve("cifar-10-batches-bin");
        for (int b = 1; b <= 5; b++) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            batch.write(DataFiles.cifarRecord(new int[] {b}, b * 10));
            batch.write(DataFiles.cifarRecord(new int[] {9}, 1));
            DataFiles.write(base.resolve("data_batch_" + b + ".bin"), batch.toByteArray(), false);
        }
        DataFiles.write(base.resolve("test_batch.bin"), DataFiles.cifarRecord(new int[] {0}, 200), false);
        DatasetSplits s = new DatasetLoader().load("cifar-10", dir);
        assertEquals(10, s.train().size());
        assertArrayEquals(new int[] {1, 9, 2, 9, 3, 9, 4, 9, 5, 9}, s.train().labels());
        assertEquals(3, s.train().channels());
        assertEquals(30, s.train().pixels()[4 * 3072 + 100], "third batch's first image");
        assertEquals((byte) 200, s.eval().pixels()[3071]);
    }

    @Test
    void readsCifar100WithCoarseAndFineLabels() throws Exception {
        ByteArrayOutputStream train = new ByteArrayOutputStream();
        train.write(DataFiles.cifarRecord(new int[] {0, 4}, 1));   // superclass 0 (paper: 1), fine 4
        train.write(DataFiles.cifarRecord(new int[] {0, 30}, 2));  // superclass 0, fine 30
        train.write(DataFiles.cifarRecord(new int[] {1, 1}, 3));   // superclass 1 (paper: 2), fine 1
        DataFiles.write(dir.resolve("train.bin"), train.toByteArray(), false);
        DataFiles.write(dir.resolve("test.bin"), DataFiles.cifarRecord(new int[] {1, 1}, 9), false);
        DatasetSplits s = new DatasetLoader().load("cifar-100", dir);
        assertArrayEquals(new int[] {4, 30, 1}, s.train().labels());
        assertArrayEquals(new int[] {0, 0, 1}, s.trainCoarse());
        assertEquals(100, s.train().classes());
        List<Integer> chosen = TaskData.oneFineClassPerSuperclass(s, List.of(1, 2), 5);
        assertTrue(List.of(4, 30).contains(chosen.get(0)), chosen.toString());
        assertEquals(1, chosen.get(1));
        assertEquals(chosen, TaskData.oneFineClassPerSuperclass(s, List.of(1, 2), 5), "same seed, same classes");
    }

    @Test
    void damagedCifarFileIsReported() throws IOException {
        DataFiles.write(dir.resolve("train.bin"), new byte[3000], false);
        DataException e = assertThrows(DataException.class, () -> new DatasetLoader().load("cifar-100", dir));
        assertTrue(e.getMessage().contains("3000 bytes is not a whole number of 3074-byte records"), e.getMessage());
    }

    @Test
    void taskKeepsItsClassesRelabelledAndLimitsPerClass() throws Exception {
        DataFiles.mnistFolder(dir, 100, 2, true);
        DatasetSplits s = new DatasetLoader().load("mnist", dir);
        TaskData t = TaskData.cut("second-half", s, new TaskData.Cut(List.of(7, 5), 3, 0));
        assertEquals(6, t.train().size());
        assertEquals(2, t.train().classes());
        // images 5, 7, 15, 17, 25, 27 in file order; 7 -> label 0, 5 -> label 1
        assertArrayEquals(new int[] {1, 0, 1, 0, 1, 0}, t.train().labels());
        assertEquals(17, t.train().pixels()[3 * 4]);
        assertEquals(10, t.eval().size(), "no limit on the evaluation split: 5 of each class among 50");
        assertArrayEquals(new int[] {5, 5}, t.eval().classCounts());
    }

    @Test
    void loaderReadsEachFolderOnce() throws Exception {
        DataFiles.mnistFolder(dir, 20, 4, true);
        DatasetLoader loader = new DatasetLoader();
        assertTrue(loader.load("mnist", dir) == loader.load("mnist", dir.resolve(".")));
    }

    @Test
    void realFashionMnistWhenInstalled() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(DatasetLoader.DEFAULT_FASHION_MNIST),
                "dataset-fashion-mnist is not installed");
        DatasetSplits s = new DatasetLoader().load("fashion-mnist", DatasetLoader.DEFAULT_FASHION_MNIST);
        assertEquals(60000, s.train().size());
        assertEquals(10000, s.eval().size());
        assertArrayEquals(new int[] {6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000}, s.train().classCounts());
    }
}
