package io.transferbench.runtime.internal.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.runtime.internal.compare.RunRecord;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code report.html}: one self-contained page (charts as embedded PNGs, no scripts, nothing fetched)
 * recounted from a run folder's {@code events.jsonl}, {@code descriptor.yaml} and
 * {@code components.json}. Per stage: the evaluation and loss curves of each network with its
 * transfer points marked; for online transfer, e and P over the epochs and the filters moved per
 * layer; for compression, accuracy against compression rate and the filters per layer before and
 * after. Then the components with their versions and JARs, and the resolved descriptor.
 */
public final class RunReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RunReport() {
    }

    /** Writes {@code report.html} into the run folder atomically and returns it. */
    public static Path write(Path folder) throws IOException {
        String html = html(folder);
        Path target = folder.resolve("report.html");
        Path temp = folder.resolve("report.html.tmp");
        Files.writeString(temp, html, StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** One stage's events in order. */
    private record Stage(String name, String type, List<JsonNode> events) {
        List<JsonNode> of(String eventType) {
            return events.stream().filter(e -> e.path("type").asText().equals(eventType)).toList();
        }
    }

    static String html(Path folder) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(folder.resolve("events.jsonl"), StandardCharsets.UTF_8)) {
            lineNumber++;
            if (!line.isBlank()) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new IOException(folder.resolve("events.jsonl") + ":" + lineNumber + ": not a JSON event: "
                            + e.getMessage(), e);
                }
            }
        }
        Map<String, Stage> stages = new LinkedHashMap<>();
        JsonNode runStarted = null;
        JsonNode runFinished = null;
        for (JsonNode e : events) {
            String type = e.path("type").asText();
            if (type.equals("RunStarted")) {
                runStarted = e;
            } else if (type.equals("RunFinished")) {
                runFinished = e;
            } else if (e.has("stage")) {
                String name = e.path("stage").asText();
                stages.computeIfAbsent(name, n -> new Stage(n, e.path("stageType").asText(""), new ArrayList<>()))
                        .events().add(e);
            }
        }
        Map<String, Map<String, Object>> settings = RunRecord.stageSettings(folder.resolve("descriptor.yaml"));

        StringBuilder b = new StringBuilder();
        String title = runStarted == null ? folder.getFileName().toString() : runStarted.path("runId").asText();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(title)).append(" - Transferbench report</title><style>").append(Html.STYLE)
                .append("</style></head><body>\n<h1>").append(Html.escape(title)).append("</h1>\n<p>");
        if (runStarted != null) {
            b.append("Pipeline <b>").append(Html.escape(runStarted.path("pipeline").asText())).append("</b>, trial ")
                    .append(runStarted.path("trial").asInt()).append(", seed ").append(runStarted.path("seed").asLong())
                    .append(". ");
        }
        if (runFinished == null) {
            b.append("<b>The run has not finished</b> (running or interrupted): what follows is what it logged so far.");
        } else {
            b.append(runFinished.path("succeeded").asBoolean() ? "Finished" : "<b>Failed</b>")
                    .append(String.format(Locale.ROOT, " after %.0f s.", runFinished.path("seconds").asDouble()));
        }
        b.append("</p>\n");
        summary(b, stages);
        for (Stage stage : stages.values()) {
            stageSection(b, stage, settings.getOrDefault(stage.name(), Map.of()));
        }
        components(b, folder.resolve("components.json"));
        Path descriptor = folder.resolve("descriptor.yaml");
        if (Files.isRegularFile(descriptor)) {
            b.append("<h2>Resolved descriptor</h2>\n<pre>").append(Html.escape(Files.readString(descriptor)))
                    .append("</pre>\n");
        }
        b.append("<p class=\"muted\">Written by Transferbench from ").append(Html.escape(folder.getFileName().toString()))
                .append("/events.jsonl; rebuild with <code>transferbench report ")
                .append(Html.escape(folder.getFileName().toString())).append("</code>.</p>\n</body></html>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, Map<String, Stage> stages) {
        b.append("<h2>Final results</h2>\n<table><tr><th>stage</th><th>network</th><th>epochs</th>"
                + "<th>accuracy</th><th>error rate %</th><th>evaluation loss</th></tr>\n");
        for (Stage stage : stages.values()) {
            Map<String, JsonNode> last = new LinkedHashMap<>();
            for (JsonNode e : stage.events()) {
                String type = e.path("type").asText();
                if (type.equals("EpochEnded") || type.equals("NetworkEvaluated")) {
                    last.put(e.path("network").asText(), e);
                }
            }
            last.forEach((network, e) -> b.append(String.format(Locale.ROOT,
                    "<tr><td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%.4f</td><td class=\"n\">%.2f</td>"
                            + "<td class=\"n\">%.4f</td></tr>%n", Html.escape(stage.name()), Html.escape(network),
                    e.has("epoch") ? e.path("epoch").asInt() : "", e.path("accuracy").asDouble(),
                    e.path("errorRate").asDouble(), e.has("evalLoss") ? e.path("evalLoss").asDouble()
                            : e.path("loss").asDouble())));
        }
        b.append("</table>\n");
    }

    private static void stageSection(StringBuilder b, Stage stage, Map<String, Object> settings) {
        b.append("<h2>Stage ").append(Html.escape(stage.name())).append(" <span class=\"muted\">(")
                .append(Html.escape(stage.type())).append(")</span></h2>\n");
        curves(b, stage);
        schedules(b, stage, settings);
        filtersMoved(b, stage);
        compression(b, stage);
    }

    /** Evaluation accuracy and losses per network, transfer points marked. */
    private static void curves(StringBuilder b, Stage stage) {
        Map<String, List<JsonNode>> epochs = new LinkedHashMap<>();
        stage.of("EpochEnded").forEach(e -> epochs.computeIfAbsent(e.path("network").asText(), k -> new ArrayList<>()).add(e));
        if (epochs.isEmpty()) {
            return;
        }
        XYChart accuracy = Charts.xy(stage.name() + ": evaluation accuracy", "epoch", "accuracy");
        XYChart loss = Charts.xy(stage.name() + ": loss", "epoch", "cross-entropy");
        epochs.forEach((network, list) -> {
            List<Double> x = list.stream().map(e -> e.path("epoch").asDouble()).toList();
            Charts.line(accuracy, network, x, list.stream().map(e -> e.path("accuracy").asDouble()).toList());
            Charts.line(loss, network + " train", x, list.stream().map(e -> e.path("trainLoss").asDouble()).toList());
            Charts.line(loss, network + " eval", x, list.stream().map(e -> e.path("evalLoss").asDouble()).toList());
        });
        Map<String, List<Integer>> transferEpochs = new LinkedHashMap<>();
        stage.of("TransferPointReached").forEach(e -> transferEpochs.computeIfAbsent(e.path("receiver").asText(),
                k -> new ArrayList<>()).add(e.path("epoch").asInt()));
        transferEpochs.forEach((network, points) -> {
            Map<Integer, Double> byEpoch = new TreeMap<>();
            epochs.getOrDefault(network, List.of()).forEach(e -> byEpoch.put(e.path("epoch").asInt(), e.path("accuracy").asDouble()));
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int epoch : points) {
                if (byEpoch.containsKey(epoch)) {
                    x.add((double) epoch);
                    y.add(byEpoch.get(epoch));
                }
            }
            if (!x.isEmpty()) {
                Charts.points(accuracy, network + " transfer points", x, y);
            }
        });
        b.append(Charts.img(accuracy, stage.name() + " evaluation accuracy per epoch"))
                .append(Charts.img(loss, stage.name() + " training and evaluation loss per epoch"));
        if (!transferEpochs.isEmpty()) {
            b.append("<p>Transfer points (receiving network: epochs): ");
            List<String> parts = new ArrayList<>();
            transferEpochs.forEach((n, p) -> parts.add(Html.escape(n) + ": " + p));
            b.append(String.join("; ", parts)).append("</p>\n");
        }
    }

    /** e and P of each network over the stage, from the initial values and ScheduleAdjusted events. */
    private static void schedules(StringBuilder b, Stage stage, Map<String, Object> settings) {
        if (!stage.type().equals("online-transfer") || stage.of("TransferPointReached").isEmpty()) {
            return;
        }
        int lastEpoch = stage.of("EpochEnded").stream().mapToInt(e -> e.path("epoch").asInt()).max().orElse(0);
        for (String[] p : new String[][] {{"frequency", "e (epochs between transfers)"}, {"ratio", "P (% of filters)"}}) {
            Object initial = settings.get(p[0] + ".initial");
            if (initial == null) {
                continue;
            }
            XYChart chart = Charts.xy(stage.name() + ": " + p[1], "epoch", p[0].equals("frequency") ? "e" : "P %");
            Map<String, List<double[]>> changes = new LinkedHashMap<>();
            stage.of("EpochEnded").forEach(e -> changes.putIfAbsent(e.path("network").asText(), new ArrayList<>()));
            stage.of("ScheduleAdjusted").stream().filter(e -> e.path("parameter").asText().equalsIgnoreCase(p[0]))
                    .forEach(e -> changes.computeIfAbsent(e.path("network").asText(), k -> new ArrayList<>())
                            .add(new double[] {e.path("epoch").asDouble(), e.path("newValue").asDouble()}));
            changes.forEach((network, list) -> {
                List<Double> x = new ArrayList<>(List.of(0.0));
                List<Double> y = new ArrayList<>(List.of(((Number) initial).doubleValue()));
                for (double[] c : list) {
                    x.add(c[0]);
                    y.add(c[1]);
                }
                x.add((double) lastEpoch);
                y.add(y.get(y.size() - 1));
                Charts.steps(chart, network, x, y);
            });
            b.append(Charts.img(chart, stage.name() + " " + p[1] + " over the epochs"));
        }
    }

    /** Filters received per conv layer, per receiving network (online transfer and replacement). */
    private static void filtersMoved(StringBuilder b, Stage stage) {
        List<JsonNode> moves = stage.of("FiltersTransferred");
        if (moves.isEmpty()) {
            return;
        }
        Map<String, Map<String, Integer>> byReceiver = new LinkedHashMap<>();
        List<String> layers = new ArrayList<>();
        for (JsonNode m : moves) {
            String layer = m.path("layer").asText();
            if (!layers.contains(layer)) {
                layers.add(layer);
            }
            byReceiver.computeIfAbsent(m.path("receiver").asText(), k -> new LinkedHashMap<>())
                    .merge(layer, m.path("receiverFilters").size(), Integer::sum);
        }
        CategoryChart chart = Charts.bars(stage.name() + ": filters received per layer", "conv layer", "filters");
        byReceiver.forEach((receiver, counts) -> chart.addSeries(receiver, layers,
                layers.stream().map(l -> (Number) counts.getOrDefault(l, 0)).toList()));
        b.append(Charts.img(chart, stage.name() + " filters received per conv layer"));
    }

    /** Accuracy against compression rate over the controller's steps, and filters per layer before and after. */
    private static void compression(StringBuilder b, Stage stage) {
        List<JsonNode> steps = stage.of("CompressionStepCompleted");
        List<JsonNode> removals = stage.of("PruningStepCompleted");
        if (steps.isEmpty() && removals.isEmpty()) {
            return;
        }
        if (!steps.isEmpty()) {
            XYChart chart = Charts.xy(stage.name() + ": accuracy against compression rate", "parameters removed %",
                    "accuracy on the search images");
            // fixed ranges: a single removal point would otherwise get a degenerate axis
            chart.getStyler().setXAxisMin(0.0).setXAxisMax(100.0).setYAxisMin(0.0).setYAxisMax(1.0);
            for (String action : new String[] {"TRY", "REMOVE"}) {
                List<JsonNode> of = steps.stream().filter(s -> s.path("action").asText().equals(action)).toList();
                if (!of.isEmpty()) {
                    Charts.points(chart, action.equals("TRY") ? "trials (masked)" : "after removal",
                            of.stream().map(s -> 100 * s.path("compressionRate").asDouble()).toList(),
                            of.stream().map(s -> s.path("accuracy").asDouble()).toList());
                }
            }
            b.append(Charts.img(chart, stage.name() + " accuracy against compression rate"));
        }
        if (!removals.isEmpty()) {
            Map<String, Integer> before = new LinkedHashMap<>();
            Map<String, Integer> removed = new LinkedHashMap<>();
            for (JsonNode r : removals) {
                String layer = r.path("layer").asText();
                if (r.has("filtersBefore")) {
                    before.putIfAbsent(layer, r.path("filtersBefore").asInt());
                }
                removed.merge(layer, r.path("removedFilters").size(), Integer::sum);
            }
            if (!before.isEmpty()) {
                List<String> layers = new ArrayList<>(before.keySet());
                CategoryChart chart = Charts.bars(stage.name() + ": filters per conv layer", "conv layer", "filters");
                chart.addSeries("before", layers, layers.stream().map(l -> (Number) before.get(l)).toList());
                chart.addSeries("after", layers, layers.stream().map(l -> (Number) (before.get(l)
                        - removed.getOrDefault(l, 0))).toList());
                b.append(Charts.img(chart, stage.name() + " filters per conv layer before and after"));
            }
            JsonNode first = removals.get(0);
            JsonNode last = removals.get(removals.size() - 1);
            long p0 = first.path("parametersBefore").asLong();
            long p1 = last.path("parametersAfter").asLong();
            long f0 = first.path("flopsBefore").asLong();
            long f1 = last.path("flopsAfter").asLong();
            b.append(String.format(Locale.ROOT, "<table><tr><th></th><th>parameters</th><th>FLOPs (multiply-adds)</th>"
                            + "<th>evaluation accuracy</th></tr><tr><td>before</td><td class=\"n\">%,d</td><td class=\"n\">%,d</td>"
                            + "<td class=\"n\">%.4f</td></tr><tr><td>after removal</td><td class=\"n\">%,d</td>"
                            + "<td class=\"n\">%,d</td><td class=\"n\">%.4f</td></tr><tr><td>removed</td><td class=\"n\">%.2f %%</td>"
                            + "<td class=\"n\">%.2f %%</td><td></td></tr></table>%n", p0, f0,
                    first.path("accuracyBefore").asDouble(), p1, f1, last.path("accuracyAfter").asDouble(),
                    100.0 * (p0 - p1) / p0, 100.0 * (f0 - f1) / f0));
        }
    }

    private static void components(StringBuilder b, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode list = JSON.readTree(file.toFile());
        if (!list.isArray() || list.isEmpty()) {
            return;
        }
        b.append("<h2>Components</h2>\n<table><tr><th>stage</th><th>key</th><th>kind</th><th>id</th><th>parameters</th>"
                + "<th>version</th><th>module</th><th>JAR</th></tr>\n");
        for (JsonNode c : list) {
            b.append("<tr>");
            for (String field : new String[] {"stage", "key", "kind", "id", "parameters", "version", "module", "source"}) {
                JsonNode v = c.path(field);
                b.append("<td>").append(Html.escape(v.isObject() ? v.toString() : v.asText())).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }
}
