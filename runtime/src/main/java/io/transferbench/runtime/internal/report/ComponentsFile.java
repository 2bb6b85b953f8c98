package io.transferbench.runtime.internal.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A run folder's {@code components.json}, both ways: each component the pipeline used, with the stage
 * and key that name it, its version, module, JAR and parameters.
 */
public final class ComponentsFile {

    /** The file's name in a run folder. */
    public static final String FILE = "components.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One component as used by one stage (or "pipeline" for listeners). */
    public record Entry(String stage, String key, String kind, String id, String version, String module,
                        String source, Map<String, Object> parameters) {
        public Entry {
            parameters = parameters == null ? Map.of() : new java.util.TreeMap<>(parameters);
        }
    }

    private ComponentsFile() {
    }

    public static void write(Path runFolder, List<Entry> entries) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(runFolder.resolve(FILE).toFile(), entries);
    }

    /** The entries, or none when the folder has no such file. */
    public static List<Entry> read(Path runFolder) throws IOException {
        Path file = runFolder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<Entry>>() { });
        } catch (IOException e) {
            throw new IOException(file + ": not a list of components: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }
}
