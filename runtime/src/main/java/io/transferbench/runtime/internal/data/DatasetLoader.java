package io.transferbench.runtime.internal.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the data sets a descriptor names, from their real files, once per folder.
 *
 * <ul>
 * <li>{@code fashion-mnist}, {@code mnist}: {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 *     {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each raw or with {@code .gz}.</li>
 * <li>{@code cifar-10}: {@code data_batch_1.bin} ... {@code data_batch_5.bin} and {@code test_batch.bin}
 *     (in the folder or its {@code cifar-10-batches-bin/}).</li>
 * <li>{@code cifar-100}: {@code train.bin} and {@code test.bin} (in the folder or its {@code cifar-100-binary/}),
 *     with coarse and fine labels.</li>
 * </ul>
 */
public final class DatasetLoader {

    public static final Path DEFAULT_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    private static final int CIFAR_PIXELS = 3 * 32 * 32;

    private final Map<String, DatasetSplits> cache = new HashMap<>();

    /** The folder a data set is read from when the descriptor names none. */
    public static Path defaultFolder(String dataset) {
        return dataset.equals("fashion-mnist") ? DEFAULT_FASHION_MNIST : Path.of("data", dataset);
    }

    public synchronized DatasetSplits load(String dataset, Path folder) throws DataException {
        String key = dataset + "@" + folder.toAbsolutePath().normalize();
        DatasetSplits cached = cache.get(key);
        if (cached == null) {
            cached = read(dataset, folder);
            cache.put(key, cached);
        }
        return cached;
    }

    /** The files a data set is read from in {@code folder} (those that exist), for checksums in a run's provenance. */
    public static List<Path> files(String dataset, Path folder) {
        List<Path> files = new java.util.ArrayList<>();
        switch (dataset) {
            case "fashion-mnist", "mnist" -> {
                for (String prefix : List.of("train", "t10k")) {
                    files.add(existing(folder, prefix + "-images-idx3-ubyte"));
                    files.add(existing(folder, prefix + "-labels-idx1-ubyte"));
                }
            }
            case "cifar-10" -> {
                Path base = Files.isDirectory(folder.resolve("cifar-10-batches-bin")) ? folder.resolve("cifar-10-batches-bin")
                        : folder;
                for (String name : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                        "data_batch_5.bin", "test_batch.bin")) {
                    files.add(base.resolve(name));
                }
            }
            default -> {
                Path base = Files.isDirectory(folder.resolve("cifar-100-binary")) ? folder.resolve("cifar-100-binary") : folder;
                files.add(base.resolve("train.bin"));
                files.add(base.resolve("test.bin"));
            }
        }
        return files.stream().filter(Files::isRegularFile).toList();
    }

    private static DatasetSplits read(String dataset, Path folder) throws DataException {
        switch (dataset) {
            case "fashion-mnist":
            case "mnist":
                return readIdx(dataset, folder);
            case "cifar-10":
                return readCifar(folder, "cifar-10-batches-bin", List.of("data_batch_1.bin", "data_batch_2.bin",
                        "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"), List.of("test_batch.bin"), false);
            case "cifar-100":
                return readCifar(folder, "cifar-100-binary", List.of("train.bin"), List.of("test.bin"), true);
            default:
                throw new IllegalArgumentException("unknown data set " + dataset);
        }
    }

    static String remedy(String dataset) {
        switch (dataset) {
            case "fashion-mnist":
                return "install it with 'apt-get install dataset-fashion-mnist' (files go to " + DEFAULT_FASHION_MNIST
                        + ") or set the task's 'path' to a folder with the Fashion-MNIST IDX files";
            case "mnist":
                return "set the task's 'path' to a folder with the MNIST IDX files (train-images-idx3-ubyte.gz, ...)";
            case "cifar-10":
                return "set the task's 'path' to the folder of the CIFAR-10 binary version (cifar-10-binary.tar.gz, unpacked)";
            default:
                return "set the task's 'path' to the folder of the CIFAR-100 binary version (cifar-100-binary.tar.gz, unpacked)";
        }
    }

    private static DatasetSplits readIdx(String dataset, Path folder) throws DataException {
        String remedy = remedy(dataset);
        LabelledImages train = idxPair(folder, "train", remedy);
        LabelledImages eval = idxPair(folder, "t10k", remedy);
        return new DatasetSplits(train, eval, new int[0], new int[0]);
    }

    private static LabelledImages idxPair(Path folder, String prefix, String remedy) throws DataException {
        Path imagesFile = existing(folder, prefix + "-images-idx3-ubyte");
        Path labelsFile = existing(folder, prefix + "-labels-idx1-ubyte");
        IdxReader.IdxArray images = IdxReader.read(imagesFile, 3, remedy);
        IdxReader.IdxArray labels = IdxReader.read(labelsFile, 1, remedy);
        if (images.dimensions()[0] != labels.dimensions()[0]) {
            throw new DataException(labelsFile, "holds " + labels.dimensions()[0] + " labels but " + imagesFile.getFileName()
                    + " holds " + images.dimensions()[0] + " images", remedy);
        }
        int[] l = new int[labels.data().length];
        for (int i = 0; i < l.length; i++) {
            l[i] = labels.data()[i] & 0xFF;
            if (l[i] > 9) {
                throw new DataException(labelsFile, "label " + l[i] + " at index " + i + ", expected 0-9", remedy);
            }
        }
        return new LabelledImages(images.data(), l, 1, images.dimensions()[1], images.dimensions()[2], 10);
    }

    /** {@code name.gz} if present, else {@code name} (whose absence the reader reports). */
    private static Path existing(Path folder, String name) {
        Path gz = folder.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : folder.resolve(name);
    }

    private static DatasetSplits readCifar(Path folder, String subfolder, List<String> trainFiles, List<String> evalFiles,
                                           boolean hundred) throws DataException {
        Path base = Files.isDirectory(folder.resolve(subfolder)) ? folder.resolve(subfolder) : folder;
        List<int[]> trainCoarse = new ArrayList<>();
        List<int[]> evalCoarse = new ArrayList<>();
        LabelledImages train = cifarFiles(base, trainFiles, hundred, trainCoarse);
        LabelledImages eval = cifarFiles(base, evalFiles, hundred, evalCoarse);
        return new DatasetSplits(train, eval, hundred ? trainCoarse.get(0) : new int[0], hundred ? evalCoarse.get(0) : new int[0]);
    }

    private static LabelledImages cifarFiles(Path base, List<String> names, boolean hundred, List<int[]> coarseOut)
            throws DataException {
        String remedy = remedy(hundred ? "cifar-100" : "cifar-10");
        int labelBytes = hundred ? 2 : 1;
        int record = labelBytes + CIFAR_PIXELS;
        List<byte[]> contents = new ArrayList<>();
        long images = 0;
        for (String name : names) {
            Path file = base.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new DataException(file, "file not found", remedy);
            }
            byte[] bytes;
            try (InputStream in = IdxReader.open(file)) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new DataException(file, "cannot be read (" + e.getMessage() + ")", remedy);
            }
            if (bytes.length == 0 || bytes.length % record != 0) {
                throw new DataException(file, bytes.length + " bytes is not a whole number of " + record
                        + "-byte records (" + labelBytes + " label byte" + (hundred ? "s" : "") + " + 3072 pixels)", remedy);
            }
            contents.add(bytes);
            images += bytes.length / record;
        }
        byte[] pixels = new byte[(int) images * CIFAR_PIXELS];
        int[] labels = new int[(int) images];
        int[] coarse = new int[hundred ? (int) images : 0];
        int i = 0;
        for (int f = 0; f < contents.size(); f++) {
            byte[] bytes = contents.get(f);
            for (int offset = 0; offset < bytes.length; offset += record, i++) {
                int fine = bytes[offset + labelBytes - 1] & 0xFF;
                if (fine >= (hundred ? 100 : 10)) {
                    throw new DataException(base.resolve(names.get(f)), "label " + fine + " in record "
                            + offset / record + ", expected 0-" + (hundred ? 99 : 9), remedy);
                }
                labels[i] = fine;
                if (hundred) {
                    coarse[i] = bytes[offset] & 0xFF;
                }
                System.arraycopy(bytes, offset + labelBytes, pixels, i * CIFAR_PIXELS, CIFAR_PIXELS);
            }
        }
        coarseOut.add(coarse);
        return new LabelledImages(pixels, labels, 3, 32, 32, hundred ? 100 : 10);
    }
}
