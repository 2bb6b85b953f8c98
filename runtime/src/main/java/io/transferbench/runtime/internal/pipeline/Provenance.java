package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.Section;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a run's numbers come from, as its {@code RunStarted} event records them: the build (version,
 * commit, uncommitted changes), Java, the machine (CPU model, cores), the engine and the thread
 * settings that change results in the last bits, and SHA-256 checksums of the data files and of the
 * plugin JARs the pipeline uses.
 */
final class Provenance {

    /** Checksums by file, size and modification time: a sweep's trials read the same files. */
    private static final Map<String, String> CHECKSUMS = new ConcurrentHashMap<>();

    private Provenance() {
    }

    static Map<String, String> of(PipelineDescriptor d, List<StageTypes.ComponentUse> components) {
        Map<String, String> p = new TreeMap<>();
        Properties version = properties("version.properties");
        Properties git = properties("git.properties");
        p.put("transferbench.version", version.getProperty("version", "unknown"));
        String commit = git.getProperty("git.commit.id.abbrev", "");
        p.put("transferbench.commit", commit.isEmpty() ? "unknown (not built from a git checkout)"
                : commit + ("true".equals(git.getProperty("git.dirty")) ? " with uncommitted changes" : ""));
        p.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        p.put("cpu", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " available processors");
        p.put("engine", "Deeplearning4j and ND4J " + version.getProperty("dl4j", "unknown") + ", nd4j-native CPU, OpenBLAS "
                + version.getProperty("openblas", "unknown") + ", oneDNN layer helpers "
                + ("false".equals(System.getProperty("org.eclipse.deeplearning4j.helpers.disable")) ? "requested" : "off"));
        for (String variable : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY")) {
            p.put("env." + variable, System.getenv().getOrDefault(variable, "unset"));
        }
        for (Section task : d.tasks().values()) {
            String dataset = task.string("dataset");
            Path folder = task.optionalString("path").map(Path::of).orElse(DatasetLoader.defaultFolder(dataset));
            for (Path file : DatasetLoader.files(dataset, folder)) {
                p.put("data " + file.toAbsolutePath().normalize(), checksum(file));
            }
        }
        for (StageTypes.ComponentUse use : components) {
            Path location = use.component().component().source().location();
            if (Files.isRegularFile(location)) {
                p.put("plugin " + location.getFileName(), checksum(location));
            }
            for (Path library : use.component().component().source().companions()) {
                // a folder plugin's libraries change its results as much as its own JAR
                p.put("plugin " + location.getFileName() + " with " + library.getFileName(), checksum(library));
            }
        }
        return p;
    }

    private static Properties properties(String name) {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/io/transferbench/runtime/" + name)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // absent or unreadable: the entries say "unknown"
        }
        return p;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable
        }
        return System.getProperty("os.arch") + " (model unknown)";
    }

    /** "sha256:<hex>", or why there is none. */
    static String checksum(Path file) {
        try {
            String key = file.toAbsolutePath().normalize() + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file);
            return CHECKSUMS.computeIfAbsent(key, k -> sha256(file));
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
