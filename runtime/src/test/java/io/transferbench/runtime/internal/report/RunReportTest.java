package io.transferbench.runtime.internal.report;

import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.event.CompressionStepCompletedEvent;
import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.FiltersTransferredEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.event.PruningStepCompletedEvent;
import io.transferbench.api.event.RunFinishedEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.ScheduleAdjustedEvent;
import io.transferbench.api.event.ScheduleInitializedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.api.event.TransferPointReachedEvent;
import io.transferbench.api.schedule.ScheduleParameter;
import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import io.transferbench.runtime.internal.events.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.html rendered from a recorded run folder: the charts and tables it must hold, nothing fetched. */
class RunReportTest {

    @TempDir
    Path dir;

    private static EpochEndedEvent epoch(String stage, String network, int epoch, double accuracy) {
        return new EpochEndedEvent(stage, network, epoch, 4, 1.5 - 0.2 * epoch, accuracy, 100 * (1 - accuracy),
                1.4 - 0.2 * epoch, 2, 0.1 * Math.pow(0.5, epoch));
    }

    /** A run with an online-transfer stage (two networks, a rule-adjusted schedule) and a prune stage. */
    private Path recordedRun() throws IOException {
        return recordedRun(dir);
    }

    /** The same run under {@code parent}, for other tests of the page. */
    static Path recordedRun(Path parent) throws IOException {
        Path run = Files.createDirectories(parent.resolve("20261124-010000-demo"));
        List<LifecycleEvent> e = new ArrayList<>();
        e.add(new RunStartedEvent("20261124-010000-demo", "demo", 7, 1, "", Map.of("transferbench.commit", "abc1234")));
        e.add(new StageStartedEvent("transfer", "online-transfer", 0, Map.of("frequency.initial", 2)));
        e.add(new ScheduleInitializedEvent("transfer", "a", 2, 10, "rule-1", "none", 1, 4, 0.5, 50));
        e.add(new ScheduleInitializedEvent("transfer", "b", 2, 10, "rule-1", "none", 1, 4, 0.5, 50));
        for (int epoch = 1; epoch <= 4; epoch++) {
            e.add(epoch("transfer", "a", epoch, 0.5 + 0.1 * epoch));
            e.add(epoch("transfer", "b", epoch, 0.4 + 0.1 * epoch));
            if (epoch % 2 == 0) {
                e.add(new TransferPointReachedEvent("transfer", "a", "b", epoch, epoch / 2, 30));
                e.add(new FiltersTransferredEvent("transfer", "a", "b", epoch, "conv1", List.of(1, 2), List.of(3, 4)));
                e.add(new FiltersTransferredEvent("transfer", "a", "b", epoch, "conv2", List.of(1, 2, 5, 6),
                        List.of(3, 4, 7, 8)));
            }
        }
        e.add(new ScheduleAdjustedEvent("transfer", "a", 4, ScheduleParameter.FREQUENCY, "rule-1", 2, 3, 3, 1.5));
        e.add(StageFinishedEvent.succeeded("transfer", "online-transfer", 0, 9));
        e.add(new StageStartedEvent("hrank", "prune", 1, Map.of()));
        e.add(new PruningStepCompletedEvent("hrank", "p", 1, "conv1", 16, List.of(0, 1, 2, 3, 4, 5, 6, 7), 105866, 90000,
                1117056, 700000, 0.9, 0.8, 10));
        e.add(new PruningStepCompletedEvent("hrank", "p", 1, "conv2", 32, List.of(0, 1, 2, 3), 90000, 80000, 700000,
                600000, 0.8, 0.75, 10));
        e.add(new CompressionStepCompletedEvent("hrank", "p", 0, "one-shot", CompressionDecision.Action.REMOVE, 12, 0.2443,
                0.4629, 0.76, Map.of(), 10, 0, Double.NaN, Double.NaN));
        e.add(epoch("hrank", "p", 1, 0.86));
        e.add(StageFinishedEvent.succeeded("hrank", "prune", 1, 5));
        e.add(new RunFinishedEvent("20261124-010000-demo", true, 15));
        Instant time = Instant.parse("2026-11-24T01:00:00Z");
        Files.write(run.resolve("events.jsonl"), e.stream().map(event -> EventLog.encode(event, time)).toList());
        Files.writeString(run.resolve("descriptor.yaml"), String.join("\n",
                "name: demo",
                "stages:",
                "- name: transfer",
                "  type: online-transfer",
                "  frequency: {initial: 2, rule: rule-1}",
                "  ratio: {initial: 10, rule: none}",
                "- {name: hrank, type: prune, from: base, network: p}",
                "# <script>alert(1)</script>",
                ""));
        Files.writeString(run.resolve("components.json"), "[{\"stage\":\"transfer\",\"key\":\"frequency.rule\","
                + "\"kind\":\"adjustment rule\",\"id\":\"rule-1\",\"version\":\"0.1.0-SNAPSHOT\",\"module\":\"io.transferbench.plugins.rules\","
                + "\"source\":\"transferbench-plugin-adjustment-rules-0.1.0-SNAPSHOT.jar\",\"parameters\":{}}]");
        return run;
    }

    @Test
    void theReportHoldsEveryChartAndTableAndStandsAlone() throws IOException {
        Path run = recordedRun();
        String html = report(run);
        assertEveryChart(html);
        assertTrue(html.contains("<td>rule-1</td>") && html.contains("transferbench-plugin-adjustment-rules-0.1.0-SNAPSHOT.jar"),
                "components with their JARs");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the descriptor is escaped");
        assertFalse(Pattern.compile("<script[^>]*src=").matcher(html).find(), "scripts are inlined, none loaded");
        assertFalse(Pattern.compile("(src|href)=\"(https?:|//)").matcher(html).find(), "nothing fetched from elsewhere");
        // the interactive curves: their data as JSON, one colour per network in every chart
        Matcher charts = Pattern.compile("<div class=\"tb-chart\"[^>]* data-chart=\"([^\"]*)\"").matcher(html);
        List<com.fasterxml.jackson.databind.JsonNode> parsed = new ArrayList<>();
        while (charts.find()) {
            parsed.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(charts.group(1)
                    .replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")));
        }
        assertEquals(6, parsed.size(), "accuracy, loss, learning rate, e and P of the transfer stage (the prune stage "
                + "has one epoch), and the prune stage's accuracy against compression rate");
        var accuracy = parsed.get(0);
        assertEquals("epoch", accuracy.path("xTitle").asText());
        assertEquals(accuracy.path("data").size(), accuracy.path("series").size() + 1, "x, then one column per series");
        java.util.Map<String, String> colour = new java.util.HashMap<>();
        Set<String> networks = new HashSet<>();
        accuracy.path("series").forEach(series -> networks.add(series.path("label").asText().split(" ")[0]));
        for (var chart : parsed) {
            for (var series : chart.path("series")) {
                String network = series.path("label").asText().split(" ")[0];
                if (!networks.contains(network)) {
                    continue; // the prune chart's series are kinds of step, not networks
                }
                String previous = colour.putIfAbsent(network, series.path("colour").asText());
                assertEquals(previous == null ? series.path("colour").asText() : previous,
                        series.path("colour").asText(), network + " keeps its colour");
            }
        }
        assertTrue(colour.size() >= 2 && new HashSet<>(colour.values()).size() == colour.size(),
                "networks differ in colour: " + colour);
    }

    @Test
    void theEventsAloneGiveTheFullReport() throws IOException {
        Path run = recordedRun();
        Files.delete(run.resolve("descriptor.yaml"));
        Files.delete(run.resolve("components.json"));
        String html = report(run);
        assertEveryChart(html);
        assertFalse(html.contains("Resolved descriptor"));
    }

    @Test
    void aFailedStageSaysWhy() throws IOException {
        Path run = recordedRun();
        Files.writeString(run.resolve("events.jsonl"), EventLog.encode(new StageFinishedEvent("hrank", "prune", 1, 5,
                false, "java.lang.IllegalStateException: out of filters"), Instant.EPOCH) + "\n", StandardOpenOption.APPEND);
        assertTrue(report(run).contains("<b>Failed:</b> java.lang.IllegalStateException: out of filters"));
    }

    @Test
    void aLineAKilledRunWasWritingIsLeftOut() throws IOException {
        Path run = recordedRun();
        Files.writeString(run.resolve("events.jsonl"), "{\"type\":\"EpochEnded\",\"time\":\"2026-11-2",
                StandardOpenOption.APPEND);
        assertEveryChart(report(run));
    }

    @Test
    void aDamagedComponentsFileIsSaidAndTheRestIsDrawn() throws IOException {
        Path run = recordedRun();
        Files.writeString(run.resolve("components.json"), "[{\"stage\": ");
        String html = report(run);
        assertEveryChart(html);
        assertTrue(html.contains("components.json: not a list of components"), html);
    }

    @Test
    void anEvaluationShowsAccuracyPerClassAndItsConfusionMatrix() throws IOException {
        Path run = recordedRun();
        StringBuilder more = new StringBuilder();
        for (LifecycleEvent e : List.of(new StageStartedEvent("check", "evaluate", 2, Map.of()),
                new NetworkEvaluatedEvent("check", "p", "source", 0.85, 15, 0.4, 20, List.of(List.of(8, 2), List.of(1, 9))),
                StageFinishedEvent.succeeded("check", "evaluate", 2, 1))) {
            more.append(EventLog.encode(e, Instant.EPOCH)).append('\n');
        }
        Files.writeString(run.resolve("events.jsonl"), more, StandardOpenOption.APPEND);
        String html = report(run);
        assertTrue(html.contains("<h3>p on source</h3>"), html);
        assertTrue(html.contains("<tr><td>0</td><td class=\"n\">8</td><td class=\"n\">2</td><td class=\"n\">0.8000</td></tr>"),
                html);
        assertTrue(html.contains("<tr><td>1</td><td class=\"n\">1</td><td class=\"n\">9</td><td class=\"n\">0.9000</td></tr>"),
                html);
    }

    @Test
    void aDamagedLineIsNamed() throws IOException {
        Path run = recordedRun();
        Files.writeString(run.resolve("events.jsonl"), "{\"type\":\"EpochEnded\",\"time\":\"x\"}\n", StandardOpenOption.APPEND);
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute("report", run.toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("events.jsonl:28: field 'time' is not an instant"), err.toString());
    }

    static String report(Path run) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("report", run.toString());
        assertEquals(0, code, err.toString());
        return Files.readString(run.resolve("report.html"));
    }

    private static void assertEveryChart(String html) throws IOException {
        // one chart per view: transfer stage accuracy, loss, e, P, filters moved; prune accuracy, loss,
        // accuracy against compression rate, filters per layer
        Matcher images = Pattern.compile("<img alt=\"([^\"]*)\" width=\"\\d+\" height=\"\\d+\" src=\"data:image/png;base64,([^\"]+)\">")
                .matcher(html);
        List<String> alts = new ArrayList<>();
        Set<Integer> distinctPixels = new HashSet<>();
        while (images.find()) {
            alts.add(images.group(1));
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(images.group(2))));
            assertEquals(Charts.WIDTH, png.getWidth());
            assertEquals(Charts.HEIGHT, png.getHeight());
            Set<Integer> colours = new HashSet<>();
            for (int y = 0; y < png.getHeight(); y += 7) {
                for (int x = 0; x < png.getWidth(); x += 7) {
                    colours.add(png.getRGB(x, y));
                }
            }
            assertTrue(colours.size() > 5, images.group(1) + " is blank");
            distinctPixels.add(colours.size());
        }
        // the prune stage retrained one epoch: no one-point curve, a sentence instead
        assertEquals(List.of("transfer evaluation accuracy per epoch", "transfer training and evaluation loss per epoch",
                "transfer learning rate per epoch", "transfer e (epochs between transfers) over the epochs", "transfer P (% of filters) over the epochs",
                "transfer filters received per conv layer", "hrank accuracy against compression rate",
                "hrank filters per conv layer before and after"), alts);
        assertTrue(html.contains("One epoch: no curve to draw"), "the one-epoch stage says so");

        assertTrue(html.contains("Transfer points (receiving network: epochs): a: [2, 4]"), "transfer points listed");
        assertTrue(html.contains("105,866") && html.contains("80,000") && html.contains("24.43 %"),
                "parameters before/after and the rate");
        assertTrue(html.contains("<td>a</td><td class=\"n\">4</td><td class=\"n\">0.9000</td>"), "final results: " + html.substring(0, 1500));
    }

    @Test
    void aFolderWithoutEventsIsBadInput() {
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .execute("report", dir.resolve("nothing").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("events.jsonl"), err.toString());
    }
}
