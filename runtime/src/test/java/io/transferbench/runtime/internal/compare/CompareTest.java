package io.transferbench.runtime.internal.compare;

import io.transferbench.runtime.internal.cli.TransferbenchCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Comparison recounted from hand-written run folders whose statistics are known. */
class CompareTest {

    @TempDir
    Path dir;

    /** A run folder with two online-transfer stages: scratch and none. */
    private Path run(String name, int trial, double scratchError, double noneError, int transfers, double seconds)
            throws IOException {
        Path folder = Files.createDirectories(dir.resolve("runs").resolve(name));
        List<String> lines = new ArrayList<>();
        lines.add("{\"type\":\"RunStarted\",\"runId\":\"" + name + "\",\"pipeline\":\"exp\",\"seed\":1,\"trial\":" + trial + "}");
        lines.add("{\"type\":\"StageStarted\",\"stage\":\"scratch\",\"stageType\":\"online-transfer\",\"index\":0,"
                + "\"settings\":{\"type\":\"online-transfer\",\"transfer\":false,\"epochs\":2}}");
        lines.add(epoch("scratch", "a", 1, 50));
        lines.add(epoch("scratch", "a", 2, scratchError));
        lines.add("{\"type\":\"StageFinished\",\"stage\":\"scratch\",\"stageType\":\"online-transfer\",\"index\":0,\"seconds\":" + seconds + ",\"succeeded\":true}");
        lines.add("{\"type\":\"StageStarted\",\"stage\":\"none\",\"stageType\":\"online-transfer\",\"index\":1,"
                + "\"settings\":{\"type\":\"online-transfer\",\"transfer\":true,\"epochs\":2,\"frequency.initial\":1,"
                + "\"frequency.rule\":\"none\"}}");
        for (int t = 1; t <= transfers; t++) {
            lines.add("{\"type\":\"TransferPointReached\",\"stage\":\"none\",\"receiver\":\"a\",\"sender\":\"b\",\"epoch\":" + t
                    + ",\"transferNumber\":" + t + ",\"errorRate\":20}");
            lines.add("{\"type\":\"FiltersTransferred\",\"stage\":\"none\",\"receiver\":\"a\",\"sender\":\"b\",\"epoch\":" + t
                    + ",\"layer\":\"conv1\",\"senderFilters\":[1,2],\"receiverFilters\":[3,4]}");
        }
        lines.add(epoch("none", "a", 2, noneError));
        lines.add("{\"type\":\"StageFinished\",\"stage\":\"none\",\"stageType\":\"online-transfer\",\"index\":1,\"seconds\":" + (2 * seconds) + ",\"succeeded\":true}");
        lines.add("{\"type\":\"RunFinished\",\"runId\":\"" + name + "\",\"succeeded\":true,\"seconds\":1}");
        Files.write(folder.resolve("events.jsonl"), timed(lines));
        return folder;
    }

    /** The lines as the recorder writes them: each with the time of its event. */
    private static List<String> timed(List<String> lines) {
        return lines.stream().map(l -> "{\"time\":\"2026-11-24T00:00:00Z\"," + l.substring(1)).toList();
    }

    private static String epoch(String stage, String network, int epoch, double errorRate) {
        return "{\"type\":\"EpochEnded\",\"stage\":\"" + stage + "\",\"network\":\"" + network + "\",\"epoch\":" + epoch
                + ",\"totalEpochs\":2,\"trainLoss\":1,\"accuracy\":" + (1 - errorRate / 100) + ",\"errorRate\":" + errorRate
                + ",\"evalLoss\":1,\"seconds\":1}";
    }

    /** A run folder with a prune stage: two layers removed, then retrained to {@code finalError}. */
    private Path pruneRun(String name, int trial, long paramsAfter, double accuracyPruned, Double finalError)
            throws IOException {
        Path folder = Files.createDirectories(dir.resolve("prune-runs").resolve(name));
        List<String> lines = new ArrayList<>();
        lines.add("{\"type\":\"RunStarted\",\"runId\":\"" + name + "\",\"pipeline\":\"cx\",\"seed\":1,\"trial\":" + trial + "}");
        lines.add("{\"type\":\"StageStarted\",\"stage\":\"hrank\",\"stageType\":\"prune\",\"index\":0}");
        lines.add("{\"type\":\"PruningStepCompleted\",\"stage\":\"hrank\",\"network\":\"p\",\"step\":1,\"layer\":\"conv1\","
                + "\"removedFilters\":[0],\"parametersBefore\":1000,\"parametersAfter\":900,\"flopsBefore\":5000,"
                + "\"flopsAfter\":4000,\"accuracyBefore\":0.9,\"accuracyAfter\":0.85}");
        lines.add("{\"type\":\"PruningStepCompleted\",\"stage\":\"hrank\",\"network\":\"p\",\"step\":1,\"layer\":\"conv2\","
                + "\"removedFilters\":[1],\"parametersBefore\":900,\"parametersAfter\":" + paramsAfter + ",\"flopsBefore\":4000,"
                + "\"flopsAfter\":2500,\"accuracyBefore\":0.85,\"accuracyAfter\":" + accuracyPruned + "}");
        if (finalError != null) {
            lines.add(epoch("hrank", "p", 1, finalError));
        }
        lines.add("{\"type\":\"StageFinished\",\"stage\":\"hrank\",\"stageType\":\"prune\",\"index\":0,\"seconds\":5,\"succeeded\":true}");
        Files.write(folder.resolve("events.jsonl"), timed(lines));
        return folder;
    }

    @Test
    void compressionIsRecountedFromThePruningEvents() throws IOException {
        Comparison c = Comparison.of(List.of(RunRecord.read(pruneRun("p1", 1, 400, 0.70, 12.0)),
                RunRecord.read(pruneRun("p2", 2, 200, 0.60, 14.0))));
        assertEquals(1, c.compressionRows().size());
        Comparison.CompressionRow r = c.compressionRows().get(0);
        assertEquals(0.7, r.compressionRate().mean(), 1e-12, "1 - 400/1000 and 1 - 200/1000");
        assertEquals(0.5, r.flopsReduction().mean(), 1e-12, "the first flopsBefore, the last flopsAfter");
        assertEquals(25.0, r.dropPruned().mean(), 1e-9, "90 - 70 and 90 - 60 points");
        assertEquals(Math.sqrt(50), r.dropPruned().sd(), 1e-9);
        assertEquals(3.0, r.dropFinal().mean(), 1e-9, "90 - 88 and 90 - 86 points after retraining");
        assertTrue(c.markdown().contains("| cx / hrank | p | 2 | 70.00 ± 14.14 | 50.00 | 90.00 | 25.00 ± 7.07 | 3.00 ± 1.41 |"),
                c.markdown());
        assertTrue(c.compressionCsv().contains("cx,hrank,p,2,0.7000,0.1414,0.5000,0.9000,25.00,7.07,3.00,1.41"),
                c.compressionCsv());

        // without retraining (epochs: 0) the final accuracy is the one right after removal
        Comparison unretrained = Comparison.of(List.of(RunRecord.read(pruneRun("p3", 1, 400, 0.70, null))));
        assertEquals(20.0, unretrained.compressionRows().get(0).dropFinal().mean(), 1e-9);
    }

    @Test
    void meansAndSampleDeviationsOverTrialsPerConfiguration() throws IOException {
        List<RunRecord> runs = List.of(RunRecord.read(run("r1", 1, 20, 10, 3, 100)),
                RunRecord.read(run("r2", 2, 22, 14, 5, 110)));
        Comparison c = Comparison.of(runs);
        assertEquals(2, c.rows().size());
        Comparison.Row scratch = c.rows().get(0);
        assertEquals("scratch", scratch.stage());
        assertEquals(21.0, scratch.errorRate().mean(), 1e-12, "the last epoch's error rate, not the first");
        assertEquals(Math.sqrt(2), scratch.errorRate().sd(), 1e-12);
        assertEquals(0.0, scratch.transfers().mean());
        Comparison.Row none = c.rows().get(1);
        assertEquals(12.0, none.errorRate().mean(), 1e-12);
        assertEquals(Math.sqrt(8), none.errorRate().sd(), 1e-12, "sample sd of 10 and 14");
        assertEquals(List.of(0.88), none.meanAccuracy(), "one epoch in this stage: accuracies 0.90 and 0.86");
        assertEquals(2, scratch.meanAccuracy().size());
        assertEquals(0.5, scratch.meanAccuracy().get(0), 1e-12);
        assertEquals(4.0, none.transfers().mean(), 1e-12, "3 and 5 transfer points recounted from events.jsonl");
        assertEquals(8.0, none.filtersReceived().mean(), 1e-12, "2 filters per transfer");
        assertEquals(210.0, none.seconds().mean(), 1e-12);
        assertEquals(2, none.trials());
        assertTrue(c.differingSettings().containsKey("transfer"), c.differingSettings().toString());
        assertTrue(c.differingSettings().containsKey("frequency.rule"), c.differingSettings().toString());
        assertTrue(!c.differingSettings().containsKey("epochs"), "equal settings are not listed");
        assertTrue(c.csv().contains("exp,none,a,2,12.0000,2.8284,4.00,1.41,8.0,210.00,14.14"), c.csv());
    }

    @Test
    void aFailedStageIsLeftOutAndTheOthersStay() throws IOException {
        Path folder = run("r4", 1, 20, 10, 3, 100);
        List<String> lines = new ArrayList<>(Files.readAllLines(folder.resolve("events.jsonl")));
        int last = lines.size() - 2; // StageFinished of "none", before RunFinished
        lines.set(last, lines.get(last).replace("\"succeeded\":true", "\"succeeded\":false,\"failure\":\"boom\""));
        lines.set(lines.size() - 1, lines.get(lines.size() - 1).replace("\"succeeded\":true", "\"succeeded\":false"));
        Files.write(folder.resolve("events.jsonl"), lines);
        assertEquals(List.of("scratch"), RunRecord.read(folder).stages().stream().map(RunRecord.StageRecord::name).toList());
    }

    @Test
    void stagesThatDidNotFinishAreLeftOut() throws IOException {
        Path folder = run("r3", 3, 20, 10, 3, 100);
        List<String> lines = new ArrayList<>(Files.readAllLines(folder.resolve("events.jsonl")));
        // cut the run inside stage "none": its last epoch and the end are missing
        int cut = lines.indexOf(lines.stream().filter(l -> l.contains("\"stage\":\"none\"") && l.contains("EpochEnded"))
                .findFirst().orElseThrow());
        Files.write(folder.resolve("events.jsonl"), lines.subList(0, cut));
        RunRecord record = RunRecord.read(folder);
        assertEquals(List.of("scratch"), record.stages().stream().map(RunRecord.StageRecord::name).toList());
    }

    @Test
    void theCommandFindsRunFoldersUnderAParentAndWritesMarkdownAndCsv() throws IOException {
        run("r1", 1, 20, 10, 3, 100);
        run("r2", 2, 22, 14, 5, 110);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("compare", dir.resolve("runs").toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("| exp / none | a | 2 | 12.00 ± 2.83 | 4.0 ± 1.4 | 210.0 ± 14.1 |"), out.toString());
        assertTrue(Files.readString(dir.resolve("runs/comparison.md")).contains("| exp / scratch | a | 2 | 21.00 ± 1.41 |"));
        assertTrue(Files.readString(dir.resolve("runs/comparison.csv")).startsWith("pipeline,stage,network,trials,"));
        String html = Files.readString(dir.resolve("runs/comparison.html"));
        assertTrue(html.contains("<td>exp / scratch</td><td>a</td><td class=\"n\">2</td><td class=\"n\">21.00 ± 1.41</td>"), html);
        assertTrue(html.contains("<img alt=\"a mean evaluation accuracy per epoch, one curve per configuration\""), html);
        assertTrue(html.contains("<code>transfer</code>"), "differing settings listed");
        assertTrue(html.contains("<h2>Differences</h2>") && html.contains("<td class=\"n\">0.092</td>"), "Welch's test");

        StringWriter err2 = new StringWriter();
        int bad = TransferbenchCommand.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true))
                .execute("compare", dir.resolve("nothing-here").toString());
        assertEquals(2, bad);
        assertTrue(err2.toString().contains("no such folder"), err2.toString());
    }

    @Test
    void oneTrialHasNoSpreadAndSettingsAreComparedAsValues() throws IOException {
        Path one = run("r5", 1, 20, 10, 3, 100);
        Comparison c = Comparison.of(List.of(RunRecord.read(one)));
        assertTrue(c.markdown().contains("| exp / scratch | a | 1 | 20.00 ± n/a |"), c.markdown());
        assertTrue(c.csv().contains("exp,scratch,a,1,20.0000,,"), "an empty cell, not 0: " + c.csv());

        // "epochs: 2.0" in one configuration (scratch) and "epochs: 2" in the other (none) are the same setting
        Path other = run("r6", 2, 20, 10, 3, 100);
        Path events = other.resolve("events.jsonl");
        Files.writeString(events, Files.readString(events).replace("\"epochs\":2}", "\"epochs\":2.0}"));
        assertTrue(Files.readString(events).contains("\"epochs\":2.0}"), "the test changed the scratch stage");
        Comparison values = Comparison.of(List.of(RunRecord.read(other)));
        assertTrue(!values.differingSettings().containsKey("epochs"), values.differingSettings().toString());
        assertTrue(values.differingSettings().containsKey("transfer"), "settings that do differ are still listed");
    }

    @Test
    void differencesAreTestedWithWelchsTTest() throws IOException {
        Comparison c = Comparison.of(List.of(RunRecord.read(run("r1", 1, 20, 10, 3, 100)),
                RunRecord.read(run("r2", 2, 22, 14, 5, 110))));
        List<Comparison.Difference> d = c.differences();
        assertEquals(1, d.size(), d.toString());
        Comparison.Difference none = d.get(0);
        assertEquals("exp / none", none.configuration());
        assertEquals("exp / scratch", none.baseline());
        // scipy.stats.ttest_ind([10, 14], [20, 22], equal_var=False): t = -4.02492, df = 1.47059, p = 0.09171
        assertEquals(-9.0, none.difference(), 1e-12);
        assertEquals(-4.024922, none.t(), 1e-6);
        assertEquals(1.470588, none.degreesOfFreedom(), 1e-6);
        assertEquals(0.09171, none.p(), 1e-4);
        assertTrue(!none.beyondNoise(), "two trials each: not beyond the noise");
        assertTrue(c.markdown().contains("| exp / none | exp / scratch | a | -9.00 | -4.02 | 1.5 | 0.092 | no |"), c.markdown());
        assertTrue(c.markdown().contains("Stage times are wall time in one process"), c.markdown());

        Comparison single = Comparison.of(List.of(RunRecord.read(run("r3", 1, 20, 10, 3, 100))));
        assertTrue(single.markdown().contains("| exp / none | exp / scratch | a | -10.00 | n/a | n/a | n/a | n/a |"),
                single.markdown());
    }

    @Test
    void curvesCarryTheirSpreadAndCoincidingCurvesAreNamed() throws IOException {
        Comparison c = Comparison.of(List.of(RunRecord.read(run("r1", 1, 20, 10, 3, 100)),
                RunRecord.read(run("r2", 2, 22, 14, 5, 110))));
        Comparison.Row scratch = c.rows().get(0);
        assertEquals(0.0, scratch.sdAccuracy().get(0), 1e-12, "both trials 0.5 after epoch 1");
        assertEquals(Math.sqrt(2) / 100, scratch.sdAccuracy().get(1), 1e-12, "0.80 and 0.78 after epoch 2");
        assertEquals(List.of(List.of(0.5, 0.8), List.of(0.5, 0.78)), scratch.trialAccuracy().stream()
                .map(curve -> curve.subList(0, 2)).toList(), "each trial's own curve is kept");
        String page = io.transferbench.runtime.internal.report.ComparisonPage.html(c, 2);
        String chart = page.substring(page.indexOf("<div class=\"tb-chart\""));
        assertTrue(chart.contains("trial 1&quot;") && chart.contains("trial 2&quot;") && chart.contains("mean + sd")
                && chart.contains("DOTS"), "per-trial points and the band in the interactive chart");

        List<Double> curve = List.of(0.5, 0.7);
        RunRecord.StageRecord one = new RunRecord.StageRecord("one", "online-transfer", 1, Map.of("a",
                new RunRecord.NetworkRecord("a", 30, 2, 0, 0, curve)), Map.of(), Map.of());
        RunRecord.StageRecord two = new RunRecord.StageRecord("two", "online-transfer", 1, Map.of("a",
                new RunRecord.NetworkRecord("a", 30, 2, 1, 4, curve)), Map.of(), Map.of());
        String html = io.transferbench.runtime.internal.report.ComparisonPage.html(Comparison.of(List.of(
                new RunRecord(dir, "same", 1, List.of(one, two)))), 1);
        assertTrue(html.contains("a: the curves of same / one, same / two coincide"), html);
    }
}
