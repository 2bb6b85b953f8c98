package io.transferbench.runtime.internal.stages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.runtime.PluginJar;
import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The online-transfer stage on real DL4J networks: transfer points, filters moved per layer, rules
 * adjusting e and P as the events show, the no-transfer baseline, and a rule JAR dropped into plugins/.
 */
class OnlineTransferIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        data = SquaresData.write(dir.resolve("data"));
    }

    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    private static Path descriptor(String name, String frequencyRule, String ratioRule) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), String.join("\n",
                "name: " + name,
                "seed: 4",
                "output: " + dir.resolve(name),
                "tasks:",
                "  first: {dataset: fashion-mnist, path: " + data + ", classes: [0, 1, 2, 3, 4]}",
                "  second: {dataset: fashion-mnist, path: " + data + ", classes: [5, 6, 7, 8, 9]}",
                "networks:",
                "  a: {model: small-cnn, task: first}",
                "  b: {model: small-cnn, task: second}",
                "stages:",
                "  - name: scratch",
                "    type: online-transfer",
                "    networks: [a, b]",
                "    transfer: false",
                "    epochs: 4",
                "    batch-size: 32",
                "  - name: transfer",
                "    type: online-transfer",
                "    networks: [a, b]",
                "    epochs: 4",
                "    batch-size: 32",
                "    importance: l1",
                "    frequency: {initial: 1, rule: " + frequencyRule + "}",
                "    ratio: {initial: 25, rule: " + ratioRule + "}",
                ""));
    }

    private static List<JsonNode> events(Path output, String stage) throws IOException {
        Path run;
        try (Stream<Path> s = Files.list(output)) {
            run = s.findFirst().orElseThrow();
        }
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("events.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("stage").asText().equals(stage)) {
                out.add(n);
            }
        }
        return out;
    }

    private static List<JsonNode> ofType(List<JsonNode> events, String type) {
        return events.stream().filter(e -> e.path("type").asText().equals(type)).collect(Collectors.toList());
    }

    @Test
    void networksTradeFiltersAtTheirTransferPointsAndRulesAdjustTheSchedule() throws IOException {
        String[] r = cli("run", descriptor("online", "rule-1", "rule-2").toString());
        assertEquals("0", r[0], r[1] + r[2]);

        List<JsonNode> transfer = events(dir.resolve("online"), "transfer");
        List<JsonNode> points = ofType(transfer, "TransferPointReached");
        // e = 1 over 4 epochs: points at epochs 1, 2, 3 for each network unless a rule moves them
        assertTrue(points.size() >= 2, "at least one transfer each: " + points);
        for (JsonNode p : points) {
            String other = p.path("receiver").asText().equals("a") ? "b" : "a";
            assertEquals(other, p.path("sender").asText(), "with two networks the other one sends");
        }
        List<JsonNode> first = ofType(transfer, "FiltersTransferred").stream()
                .filter(e -> e.path("epoch").asInt() == 1 && e.path("receiver").asText().equals("a")).toList();
        assertEquals(List.of("conv1", "conv2"), first.stream().map(e -> e.path("layer").asText()).toList());
        assertEquals(4, first.get(0).path("receiverFilters").size(), "25 % of conv1's 16 filters");
        assertEquals(8, first.get(1).path("receiverFilters").size(), "25 % of conv2's 32 filters");

        // from the second transfer on, both values are adjusted by the named rules
        List<JsonNode> adjusted = ofType(transfer, "ScheduleAdjusted");
        long secondTransfers = points.stream().filter(p -> p.path("transferNumber").asInt() >= 2).count();
        assertEquals(2 * secondTransfers, adjusted.size(), "e and P at every transfer after the first");
        for (JsonNode a : adjusted) {
            double diff = a.path("errorRateDiff").asDouble();
            double old = a.path("oldValue").asDouble();
            if (a.path("parameter").asText().equals("FREQUENCY")) {
                assertEquals("rule-1", a.path("rule").asText());
                assertEquals(old - diff, a.path("rawValue").asDouble(), 1e-9);
            } else {
                assertEquals("rule-2", a.path("rule").asText());
                assertEquals(old + diff / 100 * old, a.path("rawValue").asDouble(), 1e-9);
            }
        }

        List<JsonNode> scratch = events(dir.resolve("online"), "scratch");
        assertEquals(0, ofType(scratch, "TransferPointReached").size() + ofType(scratch, "FiltersTransferred").size(),
                "transfer: false moves nothing");
        // the same seed starts both stages from the same weights: epoch 1 is identical, the transfer changes epoch 2
        JsonNode scratchEpoch1 = epochEnded(scratch, "a", 1);
        JsonNode transferEpoch1 = epochEnded(transfer, "a", 1);
        assertEquals(scratchEpoch1.path("trainLoss").asDouble(), transferEpoch1.path("trainLoss").asDouble());
        assertNotEquals(epochEnded(scratch, "a", 2).path("trainLoss").asDouble(),
                epochEnded(transfer, "a", 2).path("trainLoss").asDouble());
    }

    private static JsonNode epochEnded(List<JsonNode> events, String network, int epoch) {
        return ofType(events, "EpochEnded").stream()
                .filter(e -> e.path("network").asText().equals(network) && e.path("epoch").asInt() == epoch)
                .findFirst().orElseThrow();
    }

    @Test
    void aRuleJarDroppedIntoPluginsChangesTheSchedule() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJar()
                .source("org.lab.PlusOneRule", PluginJar.ruleSource("org.lab", "PlusOneRule", "plus-one", ""))
                .moduleInfo("module org.lab.rules { requires io.transferbench.api; "
                        + "provides io.transferbench.api.schedule.AdjustmentRuleFactory with org.lab.PlusOneRule; }")
                .service(AdjustmentRuleFactory.class, "org.lab.PlusOneRule")
                .writeTo(plugins.resolve("lab-rules.jar"));
        String[] r = cli("--plugins-dir", plugins.toString(), "run", descriptor("dropped", "plus-one", "none").toString());
        assertEquals("0", r[0], r[1] + r[2]);
        List<JsonNode> transfer = events(dir.resolve("dropped"), "transfer");
        List<JsonNode> frequency = ofType(transfer, "ScheduleAdjusted").stream()
                .filter(a -> a.path("parameter").asText().equals("FREQUENCY")).toList();
        assertTrue(!frequency.isEmpty(), "the second transfer (epoch 2) adjusts e");
        for (JsonNode a : frequency) {
            assertEquals("plus-one", a.path("rule").asText());
            assertEquals(a.path("oldValue").asDouble() + 1, a.path("newValue").asDouble(), 1e-9);
        }
        // e = 1 until the second transfer at epoch 2, then 2: the third point would be epoch 4, the last, so none
        assertEquals(List.of(1, 2, 1, 2), pointsByNetwork(transfer));
    }

    private static List<Integer> pointsByNetwork(List<JsonNode> transfer) {
        List<Integer> out = new ArrayList<>();
        for (String network : List.of("a", "b")) {
            ofType(transfer, "TransferPointReached").stream().filter(p -> p.path("receiver").asText().equals(network))
                    .forEach(p -> out.add(p.path("epoch").asInt()));
        }
        return out;
    }
}
