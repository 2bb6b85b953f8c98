package io.transferbench.runtime.internal.stages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code embeddings/<stage>.json} and {@code .csv}: an {@code embed-tasks} stage's task embeddings with the probe
 * and the settings they were made with, for the select-model stage and for use elsewhere (one row per task in the
 * CSV, one column per probe filter named {@code layer:index}). Written and read here only.
 */
public final class TaskEmbeddingsFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One task's embedding and what the probe's re-fitted head scored on the task's test split. */
    public record Task(String task, double[] embedding, double norm, double headAccuracy, double headLoss) {
    }

    /**
     * @param settings the stage's settings as written in the descriptor (images, label-draws, ...)
     */
    public record Embeddings(String stage, String probe, String method, Map<String, Object> settings,
                             List<String> layers, List<Integer> filters, Map<String, Task> tasks) {
    }

    private TaskEmbeddingsFile() {
    }

    public static Path json(Path runFolder, String stage) {
        return runFolder.resolve("embeddings").resolve(stage + ".json");
    }

    public static void write(Path runFolder, Embeddings e) throws IOException {
        Path folder = Files.createDirectories(runFolder.resolve("embeddings"));
        ObjectNode root = JSON.createObjectNode();
        root.put("stage", e.stage());
        root.put("probe", e.probe());
        root.put("method", e.method());
        root.set("settings", JSON.valueToTree(e.settings()));
        root.set("layers", JSON.valueToTree(e.layers()));
        root.set("filters", JSON.valueToTree(e.filters()));
        ArrayNode tasks = root.putArray("tasks");
        StringBuilder csv = new StringBuilder("task,norm,head_accuracy,head_loss");
        for (int l = 0; l < e.layers().size(); l++) {
            for (int f = 0; f < e.filters().get(l); f++) {
                csv.append(',').append(e.layers().get(l)).append(':').append(f);
            }
        }
        csv.append('\n');
        for (Task t : e.tasks().values()) {
            ObjectNode node = tasks.addObject();
            node.put("task", t.task());
            node.put("norm", t.norm());
            node.put("head-accuracy", t.headAccuracy());
            node.put("head-loss", t.headLoss());
            ArrayNode values = node.putArray("embedding");
            csv.append(t.task()).append(',').append(number(t.norm())).append(',').append(number(t.headAccuracy()))
                    .append(',').append(number(t.headLoss()));
            for (double v : t.embedding()) {
                values.add(v);
                csv.append(',').append(number(v));
            }
            csv.append('\n');
        }
        TrainingLoop.writeText(folder.resolve(e.stage() + ".json"), JSON.writeValueAsString(root));
        TrainingLoop.writeText(folder.resolve(e.stage() + ".csv"), csv.toString());
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.9g", v);
    }

    /** The embeddings an earlier stage of this run wrote; a missing or damaged file is an error naming it. */
    public static Embeddings read(Path runFolder, String stage) {
        Path file = json(runFolder, stage);
        try {
            JsonNode root = JSON.readTree(file.toFile());
            List<String> layers = new ArrayList<>();
            root.path("layers").forEach(n -> layers.add(n.asText()));
            List<Integer> filters = new ArrayList<>();
            root.path("filters").forEach(n -> filters.add(n.asInt()));
            int length = filters.stream().mapToInt(Integer::intValue).sum();
            Map<String, Task> tasks = new LinkedHashMap<>();
            for (JsonNode t : root.path("tasks")) {
                double[] values = new double[t.path("embedding").size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = t.path("embedding").get(i).asDouble();
                }
                if (values.length != length) {
                    throw new IOException("task '" + t.path("task").asText() + "' has " + values.length
                            + " values, the layers " + length);
                }
                tasks.put(t.path("task").asText(), new Task(t.path("task").asText(), values, t.path("norm").asDouble(),
                        t.path("head-accuracy").asDouble(), t.path("head-loss").asDouble()));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> settings = JSON.convertValue(root.path("settings"), Map.class);
            return new Embeddings(root.path("stage").asText(), root.path("probe").asText(), root.path("method").asText(),
                    settings, layers, filters, tasks);
        } catch (IOException ex) {
            throw new UncheckedIOException(file + ": cannot read the task embeddings (" + ex.getMessage() + "); re-run "
                    + "the run from stage '" + stage + "'", ex);
        }
    }
}
