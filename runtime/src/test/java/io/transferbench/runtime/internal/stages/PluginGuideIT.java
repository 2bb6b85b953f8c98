package io.transferbench.runtime.internal.stages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.runtime.PluginJar;
import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/plugin-guide.md's own example, taken from the Markdown as written: compiled, packed with its
 * module-info and services file, dropped into a plugins folder, named in a descriptor, and seen
 * adjusting the schedule in the events. If the guide's code stops compiling or working, this fails.
 */
class PluginGuideIT {

    private static final Pattern BLOCK = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void theGuidesRuleCompilesLoadsAndChangesTheSchedule() throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "plugin-guide.md"));
        List<String> java = new ArrayList<>();
        String services = null;
        Matcher m = BLOCK.matcher(guide);
        while (m.find()) {
            if (m.group(1).equals("java")) {
                java.add(m.group(2));
            } else if (m.group(2).startsWith("# src/main/resources/META-INF/services/")) {
                services = m.group(2);
            }
        }
        assertEquals(4, java.size(), "the guide shows the rule, its module-info, a coefficient search and a model selector");
        String rule = java.get(0);
        String moduleInfo = java.get(1);
        assertTrue(moduleInfo.contains("module org.lab.rules"), moduleInfo);
        assertTrue(services != null && services.contains(AdjustmentRuleFactory.class.getName()), "services block");
        String provider = services.lines().filter(l -> !l.startsWith("#") && !l.isBlank()).findFirst().orElseThrow().trim();

        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJar().source(provider, rule).moduleInfo(moduleInfo).service(AdjustmentRuleFactory.class, provider)
                .writeTo(plugins.resolve("lab-rules.jar"));

        Path data = SquaresData.write(dir.resolve("data"));
        // the guide's own descriptor line: frequency: {initial: 25, rule: {id: factor, factor: 1.5}}, scaled down
        Path descriptor = Files.writeString(dir.resolve("guide.yaml"), String.join("\n",
                "name: guide",
                "output: " + dir.resolve("runs"),
                "tasks:",
                "  first: {dataset: fashion-mnist, path: " + data + ", classes: [0, 1, 2, 3, 4]}",
                "  second: {dataset: fashion-mnist, path: " + data + ", classes: [5, 6, 7, 8, 9]}",
                "networks:",
                "  a: {model: small-cnn, task: first}",
                "  b: {model: small-cnn, task: second}",
                "stages:",
                "  - {name: transfer, type: online-transfer, networks: [a, b], epochs: 4, batch-size: 32,",
                "     frequency: {initial: 1, rule: {id: factor, factor: 1.5}}}",
                ""));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("--plugins-dir", plugins.toString(), "run", descriptor.toString());
        assertEquals(0, code, out + "\n" + err);

        Path run;
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            run = s.findFirst().orElseThrow();
        }
        List<JsonNode> adjusted = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(run.resolve("events.jsonl"))) {
            JsonNode e = json.readTree(line);
            if (e.path("type").asText().equals("ScheduleAdjusted") && e.path("parameter").asText().equals("FREQUENCY")) {
                adjusted.add(e);
            }
        }
        assertFalse(adjusted.isEmpty(), "the second transfer adjusts e");
        for (JsonNode a : adjusted) {
            assertEquals("factor", a.path("rule").asText());
            double old = a.path("oldValue").asDouble();
            double expected = a.path("errorRateDiff").asDouble() < 0 ? old * 1.5 : old / 1.5;
            assertEquals(expected, a.path("rawValue").asDouble(), 1e-9, "the guide's formula with factor 1.5");
        }
    }

    /** The guide's coefficient search compiles into a plugin JAR, loads, and measures what it says it does. */
    @Test
    void theGuidesCoefficientSearchCompilesLoadsAndSearches() throws Exception {
        List<String> blocks = javaBlocks();
        String search = blocks.get(2);
        assertTrue(search.contains("package org.lab.searches;"), search);
        Path plugins = Files.createDirectories(dir.resolve("search-plugins"));
        new PluginJar().source("org.lab.searches.ThreePoints", search)
                .service(io.transferbench.api.patching.CoefficientSearchFactory.class, "org.lab.searches.ThreePoints")
                .writeTo(plugins.resolve("three-points.jar"));
        var registry = new io.transferbench.runtime.internal.plugins.PluginLoader().load(java.util.Optional.of(plugins), false);
        var component = registry.all().stream().filter(c -> c.id().equals("three-points")).findFirst().orElseThrow(
                () -> new AssertionError("not loaded: " + registry.problems()));
        var factory = (io.transferbench.api.patching.CoefficientSearchFactory) component.factory();
        List<Double> asked = new ArrayList<>();
        var choice = factory.create(io.transferbench.api.ComponentParameters.of("three-points", java.util.Map.of(), 1))
                .search(a -> {
                    asked.add(a);
                    return (a - 0.6) * (a - 0.6);
                });
        assertEquals(0.5, choice.coefficient());
        assertTrue(asked.containsAll(List.of(0.0, 0.5, 1.0)), asked.toString());
    }

    /** The guide's model selector compiles, loads, and ranks the expert whose features separate the classes first. */
    @Test
    void theGuidesModelSelectorCompilesLoadsAndScores() throws Exception {
        List<String> blocks = javaBlocks();
        String selector = blocks.get(3);
        assertTrue(selector.contains("package org.lab.selectors;"), selector);
        Path plugins = Files.createDirectories(dir.resolve("selector-plugins"));
        new PluginJar().source("org.lab.selectors.ClassSeparation", selector)
                .service(io.transferbench.api.selection.ModelSelectorFactory.class, "org.lab.selectors.ClassSeparation")
                .writeTo(plugins.resolve("class-separation.jar"));
        var registry = new io.transferbench.runtime.internal.plugins.PluginLoader().load(java.util.Optional.of(plugins), false);
        var component = registry.all().stream().filter(c -> c.id().equals("class-separation")).findFirst().orElseThrow(
                () -> new AssertionError("not loaded: " + registry.problems()));
        var factory = (io.transferbench.api.selection.ModelSelectorFactory) component.factory();
        int[] labels = {0, 0, 1, 1, 0, 1};
        double[][] separating = {{0.1, 1}, {0.2, 2}, {2.1, 1}, {2.0, 2}, {0.0, 3}, {1.9, 3}};
        double[][] mixed = {{1, 0}, {2, 1}, {1, 0}, {2, 1}, {3, 2}, {3, 2}};
        var problem = new io.transferbench.api.selection.SelectionProblem() {
            public String target() { return "t"; }
            public List<String> experts() { return List.of("mixed", "separating"); }
            public int targetClasses() { return 2; }
            public int[] targetLabels() { return labels.clone(); }
            public double[][] features(int e) { return e == 0 ? mixed : separating; }
            public double[][] sourcePredictions(int e) { throw new UnsupportedOperationException(); }
            public double[] targetEmbedding() { throw new UnsupportedOperationException(); }
            public double[] sourceEmbedding(int e) { throw new UnsupportedOperationException(); }
            public double distance(double[] a, double[] b) { throw new UnsupportedOperationException(); }
            public List<io.transferbench.api.selection.MetaTask> metaTasks() { return List.of(); }
        };
        double[] scores = factory.create(io.transferbench.api.ComponentParameters.of("class-separation",
                java.util.Map.of(), 1)).select(problem).scores();
        assertTrue(scores[1] > scores[0], java.util.Arrays.toString(scores));
    }

    /** The guide's Java code blocks, in order. */
    private static List<String> javaBlocks() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "plugin-guide.md"));
        List<String> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(guide);
        while (m.find()) {
            if (m.group(1).equals("java")) {
                blocks.add(m.group(2));
            }
        }
        return blocks;
    }
}
