package io.transferbench.runtime.internal.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one run folder says about each of its finished stages, recounted from {@code events.jsonl} alone
 * (a stage still running, interrupted or failed is left out, its numbers not being final): each
 * network's final error rate in the stage, the transfers it received, and the stage's wall time; plus
 * the stage's resolved settings from {@code descriptor.yaml}.
 */
public record RunRecord(Path folder, String pipeline, int trial, List<StageRecord> stages) {

    /** One stage of one run. */
    public record StageRecord(String name, String type, double seconds, Map<String, NetworkRecord> networks,
                              Map<String, Object> settings, Map<String, CompressionRecord> compression) {
    }

    /**
     * What a compression stage did to one network, from its {@code PruningStepCompleted} events.
     *
     * @param accuracyBefore evaluation accuracy before the first removal
     * @param accuracyPruned evaluation accuracy right after the last removal, before retraining
     * @param accuracyFinal  after the stage's retraining (its last evaluation), or {@code accuracyPruned}
     */
    public record CompressionRecord(long parametersBefore, long parametersAfter, long flopsBefore, long flopsAfter,
                                    double accuracyBefore, double accuracyPruned, double accuracyFinal) {
        public double compressionRate() {
            return 1 - (double) parametersAfter / parametersBefore;
        }

        public double flopsReduction() {
            return 1 - (double) flopsAfter / flopsBefore;
        }
    }

    /**
     * One network in one stage.
     *
     * @param errorRate final error rate in percent (its last evaluation in the stage)
     * @param transfers transfer points it reached as a receiver
     * @param filtersReceived filters it received over all transfers and layers
     * @param accuracyCurve   evaluation accuracy after each epoch of the stage, in order
     */
    public record NetworkRecord(String network, double errorRate, int epochs, int transfers, long filtersReceived,
                                List<Double> accuracyCurve) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Whether {@code folder} looks like a run folder. */
    public static boolean isRunFolder(Path folder) {
        return Files.isRegularFile(folder.resolve("events.jsonl"));
    }

    public static RunRecord read(Path folder) throws IOException {
        Map<String, Map<String, Object>> settings = stageSettings(folder.resolve("descriptor.yaml"));
        String pipeline = folder.getFileName().toString();
        int trial = 1;
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Map<String, double[]>> last = new LinkedHashMap<>(); // stage -> network -> {error, epoch}
        Map<String, Map<String, int[]>> transfers = new LinkedHashMap<>();
        Map<String, Map<String, long[]>> filters = new LinkedHashMap<>();
        Map<String, Map<String, List<Double>>> curves = new LinkedHashMap<>();
        Map<String, Map<String, double[]>> pruning = new LinkedHashMap<>(); // stage -> network -> first/last values
        java.util.Set<String> finished = new java.util.LinkedHashSet<>();
        String lastStarted = null;
        int lineNumber = 0;
        for (String line : Files.readAllLines(folder.resolve("events.jsonl"), StandardCharsets.UTF_8)) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode e;
            try {
                e = JSON.readTree(line);
            } catch (IOException ex) {
                throw new IOException(folder.resolve("events.jsonl") + ":" + lineNumber + ": not a JSON event: "
                        + ex.getMessage(), ex);
            }
            String stage = e.path("stage").asText();
            switch (e.path("type").asText()) {
                case "RunStarted" -> {
                    pipeline = e.path("pipeline").asText(pipeline);
                    trial = e.path("trial").asInt(1);
                }
                case "StageStarted" -> {
                    types.put(stage, e.path("stageType").asText());
                    lastStarted = stage;
                }
                case "StageFinished" -> {
                    types.putIfAbsent(stage, e.path("stageType").asText());
                    seconds.merge(stage, e.path("seconds").asDouble(), Double::sum);
                    finished.add(stage);
                }
                case "RunFinished" -> {
                    if (!e.path("succeeded").asBoolean(true) && lastStarted != null) {
                        finished.remove(lastStarted); // the stage that failed
                    }
                }
                case "EpochEnded" -> {
                    last.computeIfAbsent(stage, k -> new LinkedHashMap<>()).put(e.path("network").asText(),
                            new double[] {e.path("errorRate").asDouble(), e.path("epoch").asInt()});
                    curves.computeIfAbsent(stage, k -> new LinkedHashMap<>())
                            .computeIfAbsent(e.path("network").asText(), k -> new ArrayList<>()).add(e.path("accuracy").asDouble());
                }
                case "NetworkEvaluated" -> {
                    Map<String, double[]> m = last.computeIfAbsent(stage, k -> new LinkedHashMap<>());
                    double[] previous = m.get(e.path("network").asText());
                    m.put(e.path("network").asText(), new double[] {e.path("errorRate").asDouble(),
                            previous == null ? 0 : previous[1]});
                }
                case "TransferPointReached" -> transfers.computeIfAbsent(stage, k -> new LinkedHashMap<>())
                        .computeIfAbsent(e.path("receiver").asText(), k -> new int[1])[0]++;
                case "FiltersTransferred" -> filters.computeIfAbsent(stage, k -> new LinkedHashMap<>())
                        .computeIfAbsent(e.path("receiver").asText(), k -> new long[1])[0] += e.path("receiverFilters").size();
                case "PruningStepCompleted" -> {
                    double[] p = pruning.computeIfAbsent(stage, k -> new LinkedHashMap<>())
                            .computeIfAbsent(e.path("network").asText(), k -> new double[] {
                                    e.path("parametersBefore").asDouble(), 0, e.path("flopsBefore").asDouble(), 0,
                                    e.path("accuracyBefore").asDouble(), 0});
                    p[1] = e.path("parametersAfter").asDouble();
                    p[3] = e.path("flopsAfter").asDouble();
                    p[5] = e.path("accuracyAfter").asDouble();
                }
                default -> {
                }
            }
        }
        List<StageRecord> stages = new ArrayList<>();
        for (Map.Entry<String, String> s : types.entrySet()) {
            if (!finished.contains(s.getKey())) {
                continue; // still running, interrupted or failed: its numbers are not final
            }
            Map<String, NetworkRecord> networks = new LinkedHashMap<>();
            last.getOrDefault(s.getKey(), Map.of()).forEach((network, v) -> networks.put(network, new NetworkRecord(network,
                    v[0], (int) v[1], transfers.getOrDefault(s.getKey(), Map.of()).getOrDefault(network, new int[1])[0],
                    filters.getOrDefault(s.getKey(), Map.of()).getOrDefault(network, new long[1])[0],
                    List.copyOf(curves.getOrDefault(s.getKey(), Map.of()).getOrDefault(network, List.of())))));
            Map<String, CompressionRecord> compression = new LinkedHashMap<>();
            pruning.getOrDefault(s.getKey(), Map.of()).forEach((network, p) -> {
                NetworkRecord trained = networks.get(network);
                compression.put(network, new CompressionRecord((long) p[0], (long) p[1], (long) p[2], (long) p[3], p[4], p[5],
                        trained == null ? p[5] : 1 - trained.errorRate() / 100));
            });
            stages.add(new StageRecord(s.getKey(), s.getValue(), seconds.getOrDefault(s.getKey(), 0.0), networks,
                    settings.getOrDefault(s.getKey(), Map.of()), compression));
        }
        return new RunRecord(folder, pipeline, trial, stages);
    }

    /** Each stage's resolved settings by stage name (type-index when unnamed), from descriptor.yaml, keys joined by dots. */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Object>> stageSettings(Path descriptor) throws IOException {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(descriptor)) {
            return out;
        }
        Map<String, Object> root = YAML.readValue(descriptor.toFile(), Map.class);
        Object stages = root.get("stages");
        if (stages instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> stage) {
                    Object name = stage.get("name");
                    String key = name != null ? name.toString() : stage.get("type") + "-" + (i + 1);
                    out.put(key, flatten("", (Map<String, Object>) stage, new LinkedHashMap<>()));
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(String prefix, Map<String, Object> map, Map<String, Object> out) {
        map.forEach((k, v) -> {
            if (v instanceof Map<?, ?> nested) {
                flatten(prefix + k + ".", (Map<String, Object>) nested, out);
            } else if (!k.equals("name")) {
                out.put(prefix + k, v);
            }
        });
        return out;
    }
}
