package io.transferbench.runtime.internal.compare;

import io.transferbench.api.event.CoefficientChosenEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent.TaskScore;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.PatchDiagnosticsEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.runtime.internal.events.EventLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The patch stages' comparison recounted from hand-written events whose statistics are known. */
class PatchCompareTest {

    @TempDir
    Path dir;

    /** One trial of a patch stage: quasi-convex and grid with the given validation objectives, and diagnostics. */
    private RunRecord trial(int trial, double quasiConvex, double grid, double gs, double bkt) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("run-" + trial));
        List<LifecycleEvent> events = new ArrayList<>();
        events.add(new RunStartedEvent("r" + trial, "paint", trial, trial, "", Map.of()));
        events.add(new StageStartedEvent("fix", "patch", 0, Map.of("heads", "shared")));
        events.add(new CoefficientChosenEvent("fix", "search[0]", "quasi-convex", 0.42, quasiConvex, 15, "fitted minimum",
                List.of(0.0, 0.42)));
        events.add(new CoefficientChosenEvent("fix", "search[1]", "grid", 0.4, grid, 21, "best of 21 grid points",
                List.of(0.0, 0.4)));
        for (double a : List.of(0.0, 0.4, 0.42, 1.0)) {
            events.add(new CoefficientEvaluatedEvent("fix", "test", a, List.of(new TaskScore("s", "supported", 1, 0.8 - a / 10,
                    100), new TaskScore("p", "patch", 1, 0.5 + a / 2, 100)), 2 - a));
        }
        events.add(new PatchDiagnosticsEvent("fix", gs, 1, 2, bkt, 0.1, List.of(0.1, 0.4), 0.42, -0.042, -0.1));
        events.add(new StageFinishedEvent("fix", "patch", 0, 3, true, ""));
        List<String> lines = events.stream().map(e -> EventLog.encode(e, Instant.parse("2026-12-02T00:00:00Z"))).toList();
        Files.write(folder.resolve(EventLog.FILE), lines);
        return RunRecord.read(folder);
    }

    @Test
    void searchesAgainstGridAndTheDiagnosticsCorrelation() throws IOException {
        List<RunRecord> runs = List.of(trial(1, 0.98, 1.0, 0.1, 0.2), trial(2, 1.0, 1.0, 0.2, 0.35),
                trial(3, 0.99, 1.0, 0.3, 0.5), trial(4, 1.02, 1.0, 0.4, 0.7));
        PatchComparison p = Comparison.of(runs).patching();
        PatchComparison.SearchRow qc = p.searches().get(0);
        assertEquals("quasi-convex", qc.searchId());
        assertEquals(4, qc.trials());
        // per trial 100 (grid - qc) / grid: 2, 0, 1, -2 -> mean 0.25, lower in 2 of 4
        assertEquals(0.25, qc.gainOverGrid().orElseThrow().mean(), 1e-9);
        assertEquals(2, qc.lowerThanGrid());
        assertEquals(15, qc.evaluations().mean());
        // test split at a = 0.42: supported 0.8 - 0.042, patch 0.5 + 0.21
        assertEquals(0.758, qc.supportedAccuracy().mean(), 1e-12);
        assertEquals(0.71, qc.patchAccuracy().mean(), 1e-12);
        assertEquals(2 - 0.42, qc.testObjective().mean(), 1e-12);
        PatchComparison.SearchRow grid = p.searches().get(1);
        assertEquals(0, grid.gainOverGrid().orElseThrow().mean());
        assertEquals(0, grid.lowerThanGrid());

        assertEquals(1, p.diagnostics().size());
        assertEquals(0.25, p.diagnostics().get(0).gradientSimilarity().mean(), 1e-12);
        PatchComparison.Correlation c = p.correlation().orElseThrow();
        assertEquals(4, c.n());
        // bkt = 0.2, 0.35, 0.5, 0.7 against gs = 0.1 .. 0.4: nearly linear, strictly increasing
        assertTrue(c.pearson() > 0.99 && c.low() < c.pearson() && c.pearson() < c.high(), c.text());
        assertEquals(1.0, c.spearman(), 1e-12);
        String markdown = Comparison.of(runs).markdown();
        assertTrue(markdown.contains("| paint / fix | quasi-convex (search[0]) | 4 |"), markdown);
        assertTrue(markdown.contains("0.25 ± 1.71 (2/4)"), markdown);
        assertTrue(markdown.contains("Pearson r = "), markdown);
        // quasi-convex against grid: lower in 2 (0.98, 0.99), equal in 1, higher in 1 (1.02)
        PatchComparison.Pooled pooled = p.pooled().get(0);
        assertEquals("quasi-convex", pooled.searchId());
        assertEquals(List.of(4, 2, 1, 1), List.of(pooled.n(), pooled.lower(), pooled.equal(), pooled.higher()));
        assertEquals(1, p.pooled().size(), "grid is not compared with itself");
        // three untied differences 0.02, 0.01, -0.02 (grid - qc): ranks 2.5, 1, 2.5, W+ = 3.5; of the 8 equally
        // likely sign patterns of ranks 1, 2, 3, three give W+ >= 3.5 (4, 5, 6): two-sided p = 2 * 3/8
        assertEquals(0.75, pooled.p(), 1e-9);
    }
}
