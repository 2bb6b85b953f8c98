package io.transferbench.runtime.internal.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.FiltersTransferredEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.event.RunFinishedEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.StageEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.api.event.TransferPointReachedEvent;
import io.transferbench.api.event.WarningIssuedEvent;
import io.transferbench.runtime.internal.events.EventLog;
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
 * recounted from a run folder's {@code events.jsonl} alone (and {@code components.json} and
 * {@code descriptor.yaml} when present). Every stage gets the generic part: the evaluation and loss
 * curves of each network with its transfer points marked, and the filters moved per layer when the
 * stage moved any. A stage type adds its own part with a {@link Section} (online transfer: e and P over
 * the epochs; prune: accuracy against compression rate, filters per layer before and after). Then the
 * components with their versions and JARs, and the resolved descriptor.
 */
public final class RunReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stage type's own part of the report, drawn from the stage's events after the generic part. */
    @FunctionalInterface
    public interface Section {
        void render(StageEvents stage, StringBuilder html);
    }

    /** One stage's events in order. */
    public record StageEvents(String name, String type, List<StageEvent> events, Map<String, Integer> colours) {

        /** The network's colour index on this page (the same in every stage's charts). */
        public int colour(String network) {
            return colours.getOrDefault(network, 0);
        }

        /** The stage's events of one type, in order. */
        public <E extends StageEvent> List<E> of(Class<E> type) {
            return EventLog.of(events, type).toList();
        }

        /** The last epoch any network of the stage ended (0 when none did). */
        public int lastEpoch() {
            return of(EpochEndedEvent.class).stream().mapToInt(EpochEndedEvent::epoch).max().orElse(0);
        }
    }

    private RunReport() {
    }

    /**
     * Writes {@code report.html} into the run folder atomically and returns it.
     *
     * @param sections each stage type's own part, by stage type
     */
    public static Path write(Path folder, Map<String, Section> sections) throws IOException {
        String html = html(folder, sections);
        Path target = folder.resolve("report.html");
        Path temp = folder.resolve("report.html.tmp");
        Files.writeString(temp, html, StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The page for the run folder, from its files, without writing anything. */
    public static String html(Path folder, Map<String, Section> sections) throws IOException {
        Map<String, StageEvents> stages = new LinkedHashMap<>();
        // one colour per network across every chart of the page, in order of first appearance
        Map<String, Integer> colours = new LinkedHashMap<>();
        RunStartedEvent runStarted = null;
        RunFinishedEvent runFinished = null;
        for (LifecycleEvent e : EventLog.events(folder.resolve(EventLog.FILE))) {
            if (e instanceof RunStartedEvent started) {
                runStarted = started;
            } else if (e instanceof RunFinishedEvent finished) {
                runFinished = finished;
            } else if (e instanceof StageEvent se) {
                String type = se instanceof StageStartedEvent s ? s.stageType() : "";
                stages.computeIfAbsent(se.stage(), n -> new StageEvents(n, type, new ArrayList<>(), colours)).events()
                        .add(se);
            }
        }

        StringBuilder b = new StringBuilder();
        String title = runStarted == null ? folder.getFileName().toString() : runStarted.runId();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(title)).append(" - Transferbench report</title><style>").append(Html.STYLE)
                .append("</style>\n").append(InteractiveChart.assets()).append("</head><body>\n<h1>").append(Html.escape(title)).append("</h1>\n<p>");
        if (runStarted != null) {
            b.append("Pipeline <b>").append(Html.escape(runStarted.pipeline())).append("</b>, trial ")
                    .append(runStarted.trial()).append(", seed ").append(runStarted.seed()).append(". ");
        }
        if (runFinished == null) {
            b.append("<b>The run has not finished</b> (running or interrupted): what follows is what it logged so far.");
        } else {
            b.append(runFinished.succeeded() ? "Finished" : "<b>Failed</b>")
                    .append(String.format(Locale.ROOT, " after %.0f s.", runFinished.seconds()));
        }
        b.append("</p>\n");
        summary(b, stages);
        stages.values().forEach(st -> st.of(EpochEndedEvent.class).forEach(e -> colours.putIfAbsent(e.network(),
                colours.size())));
        for (StageEvents stage : stages.values()) {
            b.append("<h2>Stage ").append(Html.escape(stage.name())).append(" <span class=\"muted\">(")
                    .append(Html.escape(stage.type())).append(")</span></h2>\n");
            failure(b, stage);
            stage.of(WarningIssuedEvent.class).forEach(w -> b.append("<p><b>Warning:</b> ").append(Html.escape(w.message()))
                    .append("</p>\n"));
            curves(b, stage);
            Section own = sections.get(stage.type());
            if (own != null) {
                own.render(stage, b);
            }
            filtersMoved(b, stage);
        }
        components(b, folder);
        if (runStarted != null && !runStarted.provenance().isEmpty()) {
            b.append("<h2>Provenance</h2>\n<table><tr><th>what</th><th>value</th></tr>\n");
            runStarted.provenance().forEach((k, v) -> b.append("<tr><td>").append(Html.escape(k)).append("</td><td>")
                    .append(Html.escape(v)).append("</td></tr>\n"));
            b.append("</table>\n");
        }
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

    private static void summary(StringBuilder b, Map<String, StageEvents> stages) {
        b.append("<h2>Final results</h2>\n<table><tr><th>stage</th><th>network</th><th>epochs</th>"
                + "<th>accuracy</th><th>error rate %</th><th>evaluation loss</th></tr>\n");
        for (StageEvents stage : stages.values()) {
            Map<String, String> last = new LinkedHashMap<>();
            for (StageEvent e : stage.events()) {
                if (e instanceof EpochEndedEvent end) {
                    last.put(end.network(), row(stage, end.network(), String.valueOf(end.epoch()), end.accuracy(),
                            end.errorRate(), end.evalLoss()));
                } else if (e instanceof NetworkEvaluatedEvent eval) {
                    last.put(eval.network(), row(stage, eval.network(), "", eval.accuracy(), eval.errorRate(), eval.loss()));
                }
            }
            last.values().forEach(b::append);
        }
        b.append("</table>\n");
    }

    private static String row(StageEvents stage, String network, String epochs, double accuracy, double errorRate,
                              double loss) {
        return String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%.4f</td>"
                        + "<td class=\"n\">%.2f</td><td class=\"n\">%.4f</td></tr>%n", Html.escape(stage.name()),
                Html.escape(network), epochs, accuracy, errorRate, loss);
    }

    /** Why the stage failed, when it did. */
    private static void failure(StringBuilder b, StageEvents stage) {
        stage.of(StageFinishedEvent.class).stream().filter(f -> !f.succeeded()).forEach(f -> b.append("<p><b>Failed:</b> ")
                .append(Html.escape(f.failure())).append("</p>\n"));
    }

    /** Evaluation accuracy and losses per network, transfer points marked. */
    private static void curves(StringBuilder b, StageEvents stage) {
        Map<String, List<EpochEndedEvent>> epochs = new LinkedHashMap<>();
        stage.of(EpochEndedEvent.class).forEach(e -> epochs.computeIfAbsent(e.network(), k -> new ArrayList<>()).add(e));
        if (epochs.isEmpty()) {
            return;
        }
        if (epochs.values().stream().allMatch(list -> list.size() < 2)) {
            b.append("<p>One epoch: no curve to draw; the final results above hold its numbers.</p>\n");
            return;
        }
        XYChart accuracy = Charts.xy(stage.name() + ": evaluation accuracy", "epoch", "accuracy");
        XYChart loss = Charts.xy(stage.name() + ": loss", "epoch", "cross-entropy");
        List<InteractiveChart.Series> accuracySeries = new ArrayList<>();
        List<InteractiveChart.Series> lossSeries = new ArrayList<>();
        epochs.forEach((network, list) -> {
            int colour = stage.colour(network);
            List<Double> x = list.stream().map(e -> (double) e.epoch()).toList();
            List<Double> acc = list.stream().map(EpochEndedEvent::accuracy).toList();
            List<Double> train = list.stream().map(EpochEndedEvent::trainLoss).toList();
            List<Double> eval = list.stream().map(EpochEndedEvent::evalLoss).toList();
            Charts.line(accuracy, network, x, acc).setLineColor(InteractiveChart.awtColour(colour));
            Charts.line(loss, network + " train", x, train).setLineColor(InteractiveChart.awtColour(colour));
            Charts.line(loss, network + " eval", x, eval).setLineColor(InteractiveChart.awtColour(colour));
            String hex = InteractiveChart.colour(colour);
            accuracySeries.add(new InteractiveChart.Series(network, x, acc, hex, InteractiveChart.Style.LINE));
            if (list.stream().allMatch(e -> e.trainAccuracy() != null)) {
                List<Double> trainAcc = list.stream().map(EpochEndedEvent::trainAccuracy).toList();
                Charts.line(accuracy, network + " training images", x, trainAcc)
                        .setLineColor(InteractiveChart.awtColour(colour));
                accuracySeries.add(new InteractiveChart.Series(network + " training images", x, trainAcc, hex,
                        InteractiveChart.Style.DASHED));
            }
            lossSeries.add(new InteractiveChart.Series(network + " train", x, train, hex, InteractiveChart.Style.LINE));
            lossSeries.add(new InteractiveChart.Series(network + " eval", x, eval, hex, InteractiveChart.Style.DASHED));
        });
        Map<String, List<Integer>> transferEpochs = new LinkedHashMap<>();
        stage.of(TransferPointReachedEvent.class).forEach(e -> transferEpochs.computeIfAbsent(e.receiver(),
                k -> new ArrayList<>()).add(e.epoch()));
        transferEpochs.forEach((network, points) -> {
            Map<Integer, Double> byEpoch = new TreeMap<>();
            epochs.getOrDefault(network, List.of()).forEach(e -> byEpoch.put(e.epoch(), e.accuracy()));
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int epoch : points) {
                if (byEpoch.containsKey(epoch)) {
                    x.add((double) epoch);
                    y.add(byEpoch.get(epoch));
                }
            }
            if (!x.isEmpty()) {
                int colour = stage.colour(network);
                Charts.points(accuracy, network + " transfer points", x, y)
                        .setMarkerColor(InteractiveChart.awtColour(colour));
                accuracySeries.add(new InteractiveChart.Series(network + " transfer points", x, y,
                        InteractiveChart.colour(colour), InteractiveChart.Style.MARKERS));
            }
        });
        boolean trainAccuracy = stage.of(EpochEndedEvent.class).stream().anyMatch(e -> e.trainAccuracy() != null);
        b.append(InteractiveChart.html(stage.name() + (trainAccuracy ? ": accuracy (dashed: on training images)"
                        : ": evaluation accuracy"), "epoch", "accuracy",
                        accuracySeries,
                        Charts.img(accuracy, stage.name() + " evaluation accuracy per epoch")))
                .append(InteractiveChart.html(stage.name() + ": loss (dashed: evaluation)", "epoch", "cross-entropy",
                        lossSeries, Charts.img(loss, stage.name() + " training and evaluation loss per epoch")));
        if (stage.of(EpochEndedEvent.class).stream().map(EpochEndedEvent::learningRate).distinct().count() > 1) {
            XYChart rate = Charts.xy(stage.name() + ": learning rate", "epoch", "learning rate");
            epochs.forEach((network, list) -> Charts.line(rate, network, list.stream().map(e -> (double) e.epoch()).toList(),
                    list.stream().map(EpochEndedEvent::learningRate).toList())
                    .setLineColor(InteractiveChart.awtColour(stage.colour(network))));
            b.append(Charts.explorable(rate, stage.name() + " learning rate per epoch"));
        }
        if (!transferEpochs.isEmpty()) {
            b.append("<p>Transfer points (receiving network: epochs): ");
            List<String> parts = new ArrayList<>();
            transferEpochs.forEach((n, p) -> parts.add(Html.escape(n) + ": " + p));
            b.append(String.join("; ", parts)).append("</p>\n");
        }
    }

    /** Filters received per conv layer, per receiving network (online transfer and replacement). */
    private static void filtersMoved(StringBuilder b, StageEvents stage) {
        List<FiltersTransferredEvent> moves = stage.of(FiltersTransferredEvent.class);
        if (moves.isEmpty()) {
            return;
        }
        Map<String, Map<String, Integer>> byReceiver = new LinkedHashMap<>();
        List<String> layers = new ArrayList<>();
        for (FiltersTransferredEvent m : moves) {
            if (!layers.contains(m.layer())) {
                layers.add(m.layer());
            }
            byReceiver.computeIfAbsent(m.receiver(), k -> new LinkedHashMap<>())
                    .merge(m.layer(), m.receiverFilters().size(), Integer::sum);
        }
        CategoryChart chart = Charts.bars(stage.name() + ": filters received per layer", "conv layer", "filters");
        byReceiver.forEach((receiver, counts) -> chart.addSeries(receiver, layers,
                layers.stream().map(l -> (Number) counts.getOrDefault(l, 0)).toList())
                .setFillColor(InteractiveChart.awtColour(stage.colour(receiver))));
        b.append(Charts.img(chart, stage.name() + " filters received per conv layer"));
    }

    private static void components(StringBuilder b, Path folder) {
        List<ComponentsFile.Entry> entries;
        try {
            entries = ComponentsFile.read(folder);
        } catch (IOException e) {
            // a side file: the report stands on the events, so it says what it lacks and goes on
            b.append("<h2>Components</h2>\n<p class=\"muted\">").append(Html.escape(e.getMessage())).append("</p>\n");
            return;
        }
        if (entries.isEmpty()) {
            return;
        }
        b.append("<h2>Components</h2>\n<table><tr><th>stage</th><th>key</th><th>kind</th><th>id</th><th>parameters</th>"
                + "<th>version</th><th>module</th><th>JAR</th></tr>\n");
        for (ComponentsFile.Entry c : entries) {
            b.append("<tr>");
            for (String cell : new String[] {c.stage(), c.key(), c.kind(), c.id(), JSON.valueToTree(c.parameters()).toString(),
                    c.version(), c.module(), c.source()}) {
                b.append("<td>").append(Html.escape(cell)).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</table>\n");
    }
}
