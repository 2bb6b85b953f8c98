package io.transferbench.runtime.internal.stages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import io.transferbench.runtime.internal.engine.FilterSurgery;
import io.transferbench.runtime.internal.engine.ModelBuilder;
import io.transferbench.runtime.internal.engine.NetworkCost;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prune and replace-filters stages on real DL4J networks, through the CLI: a pruned network that
 * stands alone and equals the masked original, events whose counts match the saved model, filter
 * replacement that changes exactly the chosen filters, and the iterative and rl controllers end to end.
 */
class CompressionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelBuilder.InputShape INPUT = new ModelBuilder.InputShape(28, 28, 1);

    @TempDir
    static Path dir;

    private static Path data;
    private static Path run;

    @BeforeAll
    static void runPipeline() throws IOException {
        data = SquaresData.write(dir.resolve("data"));
        run = run("compress", String.join("\n",
                "  - {type: pretrain, network: base, epochs: 2, batch-size: 32}",
                "  - {name: prune, type: prune, from: base, network: pruned, epochs: 0,",
                "     importance: l1, controller: {id: one-shot, ratio: 50}}",
                "  - {name: top-one, type: replace-filters, from: base, network: replaced, epochs: 0,",
                "     importance: l1, method: top-one, ratio: 25}",
                "  - {name: duplicate, type: replace-filters, from: base, network: duplicated, epochs: 0,",
                "     importance: l1, ratio: 25}",
                "  - {name: iterative, type: prune, from: base, network: stepwise, epochs: 1, batch-size: 32,",
                "     importance: l1, controller: {id: iterative, ratio: 50, steps: 2, retrain-epochs: 1}}",
                "  - {name: rl, type: prune, from: base, network: searched, epochs: 1, batch-size: 32, search-images: 100,",
                "     importance: l1, controller: {id: rl, target-rate: 40, episodes: 4}}"));
    }

    private static Path run(String name, String stages) throws IOException {
        Path descriptor = Files.writeString(dir.resolve(name + ".yaml"), String.join("\n",
                "name: " + name,
                "seed: 5",
                "output: " + dir.resolve(name),
                "tasks:",
                "  all: {dataset: fashion-mnist, path: " + data + "}",
                "networks:",
                "  base: {model: small-cnn, task: all}",
                "  pruned: {model: small-cnn, task: all}",
                "  replaced: {model: small-cnn, task: all}",
                "  duplicated: {model: small-cnn, task: all}",
                "  stepwise: {model: small-cnn, task: all}",
                "  searched: {model: small-cnn, task: all}",
                "stages:",
                stages,
                ""));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("run", descriptor.toString());
        assertEquals(0, code, out + "\n" + err);
        try (Stream<Path> s = Files.list(dir.resolve(name))) {
            return s.findFirst().orElseThrow();
        }
    }

    private static List<JsonNode> events(String stage, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("events.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("stage").asText().equals(stage) && n.path("type").asText().equals(type)) {
                out.add(n);
            }
        }
        return out;
    }

    private static MultiLayerNetwork model(String network) throws IOException {
        // plain DL4J, no Transferbench class involved: the saved model stands alone
        return ModelSerializer.restoreMultiLayerNetwork(run.resolve("models").resolve(network + ".zip").toFile(), false);
    }

    private static float[] values(MultiLayerNetwork net, String layer, String param) {
        return net.getLayer(layer).getParam(param).dup('c').data().asFloat();
    }

    private static double[] l1(MultiLayerNetwork net, String layer) {
        INDArray w = net.getLayer(layer).getParam("W");
        int filters = (int) w.size(0);
        float[] v = w.dup('c').data().asFloat();
        int per = v.length / filters;
        double[] s = new double[filters];
        for (int f = 0; f < filters; f++) {
            for (int i = 0; i < per; i++) {
                s[f] += Math.abs(v[f * per + i]);
            }
        }
        return s;
    }

    private static int[] order(double[] scores, boolean ascending) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> ascending ? scores[i] : -scores[i]).thenComparingInt(i -> i))
                .mapToInt(Integer::intValue).toArray();
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    @Test
    void oneShotPruningRemovesTheLeastImportantHalfAndTheModelStandsAlone() throws IOException {
        MultiLayerNetwork base = model("base");
        MultiLayerNetwork pruned = model("pruned");
        List<JsonNode> steps = events("prune", "PruningStepCompleted");
        assertEquals(2, steps.size(), "one event per conv layer");

        Map<String, int[]> removed = new HashMap<>();
        for (JsonNode step : steps) {
            String layer = step.path("layer").asText();
            int filters = (int) base.getLayer(layer).getParam("W").size(0);
            int[] expected = java.util.Arrays.stream(order(l1(base, layer), true)).limit(filters / 2).sorted().toArray();
            assertEquals(ints(step.path("removedFilters")), java.util.Arrays.stream(expected).boxed().toList(), layer);
            removed.put(layer, expected);
            assertEquals(filters / 2, pruned.getLayer(layer).getParam("W").size(0), layer);
            assertEquals(filters, step.path("filtersBefore").asInt(), layer);
        }
        assertEquals(NetworkCost.of(base, INPUT).parameters(), steps.get(0).path("parametersBefore").asLong());
        assertEquals(105_866, steps.get(0).path("parametersBefore").asLong());
        assertEquals(pruned.numParams(), steps.get(1).path("parametersAfter").asLong());
        assertEquals(steps.get(0).path("parametersAfter").asLong(), steps.get(1).path("parametersBefore").asLong());
        assertTrue(steps.get(1).path("flopsAfter").asLong() < steps.get(0).path("flopsBefore").asLong() / 2);

        // the saved pruned network computes what the original computes with those filters masked
        MultiLayerNetwork masked = base.clone();
        removed.forEach((layer, filters) -> FilterSurgery.maskFilters(masked, layer, filters));
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 28, 28, 1);
        assertTrue(masked.output(x, false).equalsWithEps(pruned.output(x, false), 1e-5));

        // with no retraining, the last layer's accuracy after is the saved model's evaluation accuracy
        List<JsonNode> evaluated = events("prune", "CompressionStepCompleted");
        assertEquals(1, evaluated.size());
        assertEquals("REMOVE", evaluated.get(0).path("action").asText());
        double rate = 1 - (double) pruned.numParams() / base.numParams();
        assertEquals(rate, evaluated.get(0).path("compressionRate").asDouble(), 1e-12);
    }

    @Test
    void replacementChangesExactlyTheChosenFiltersToExactlyTheChosenCopies() throws IOException {
        MultiLayerNetwork base = model("base");
        for (String[] stage : new String[][] {{"top-one", "replaced"}, {"duplicate", "duplicated"}}) {
            MultiLayerNetwork replaced = model(stage[1]);
            List<JsonNode> moves = events(stage[0], "FiltersTransferred");
            assertEquals(2, moves.size());
            for (JsonNode move : moves) {
                String layer = move.path("layer").asText();
                double[] scores = l1(base, layer);
                int filters = scores.length;
                int k = filters / 4;
                int[] worst = java.util.Arrays.copyOf(order(scores, true), k);
                int[] best = order(scores, false);
                List<Integer> expectedSenders = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    expectedSenders.add(stage[0].equals("top-one") ? best[0] : best[i]);
                }
                assertEquals(expectedSenders, ints(move.path("senderFilters")), stage[0] + " " + layer);
                assertEquals(java.util.Arrays.stream(worst).boxed().toList(), ints(move.path("receiverFilters")));

                Map<Integer, Integer> copyOf = new HashMap<>();
                for (int i = 0; i < k; i++) {
                    copyOf.put(worst[i], expectedSenders.get(i));
                }
                String bn = layer.replace("conv", "bn");
                for (String[] param : new String[][] {{layer, "W"}, {layer, "b"}, {bn, "gamma"}, {bn, "beta"}, {bn, "mean"},
                        {bn, "log10stdev"}}) {
                    if (base.getLayer(param[0]) == null) {
                        continue; // small-cnn has no batch norm
                    }
                    float[] before = values(base, param[0], param[1]);
                    float[] after = values(replaced, param[0], param[1]);
                    int per = before.length / filters;
                    for (int f = 0; f < filters; f++) {
                        int source = copyOf.getOrDefault(f, f);
                        assertArrayEquals(java.util.Arrays.copyOfRange(before, source * per, (source + 1) * per),
                                java.util.Arrays.copyOfRange(after, f * per, (f + 1) * per),
                                stage[0] + " " + param[0] + "." + param[1] + " filter " + f);
                    }
                }
            }
            // nothing outside the conv layers changed
            assertArrayEquals(values(base, "dense", "W"), values(replaced, "dense", "W"));
        }
    }

    @Test
    void iterativePruningRetrainsBetweenItsSteps() throws IOException {
        List<JsonNode> steps = events("iterative", "PruningStepCompleted");
        assertEquals(List.of(1, 1, 2, 2), steps.stream().map(s -> s.path("step").asInt()).toList());
        // 50 % of 16 and 32 filters in two steps: 4 + 4 and 8 + 8
        assertEquals(List.of(4, 8, 4, 8), steps.stream().map(s -> s.path("removedFilters").size()).toList());
        List<JsonNode> epochs = events("iterative", "EpochEnded");
        assertEquals(List.of("stepwise/step-1", "stepwise"), epochs.stream().map(e -> e.path("network").asText()).toList());
        MultiLayerNetwork stepwise = model("stepwise");
        assertEquals(8, stepwise.getLayer("conv1").getParam("W").size(0));
        assertEquals(16, stepwise.getLayer("conv2").getParam("W").size(0));
    }

    @Test
    void theRlControllerSearchesWithTrialsAndRemovesWithinItsBudget() throws IOException {
        List<JsonNode> steps = events("rl", "CompressionStepCompleted");
        // 4 exploring episodes and a greedy one, one trial per conv layer each, then the removal
        assertEquals(5 * 2 + 1, steps.size());
        for (int i = 0; i < 10; i++) {
            assertEquals("TRY", steps.get(i).path("action").asText());
            assertEquals(i / 2, steps.get(i).path("diagnostics").path("episode").asInt());
        }
        for (int i = 1; i < 10; i += 2) {
            assertTrue(steps.get(i).path("compressionRate").asDouble() >= 0.4 - 1e-9, "episode ends within budget");
        }
        JsonNode last = steps.get(10);
        assertEquals("REMOVE", last.path("action").asText());
        MultiLayerNetwork searched = model("searched");
        double rate = 1 - (double) searched.numParams() / model("base").numParams();
        assertEquals(rate, last.path("compressionRate").asDouble(), 1e-12);
        assertTrue(rate >= 0.4 - 1e-9, "rate " + rate);
        assertEquals(1, events("rl", "EpochEnded").size());
    }
}
