package io.transferbench.runtime.internal.stages;

import io.transferbench.api.event.CoefficientChosenEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.event.PatchDiagnosticsEvent;
import io.transferbench.runtime.internal.events.EventLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A patch stage end to end through the command line on a small IDX data set: a shared-head pair (upright /
 * inverted) whose searches, measurements, diagnostics, saved network and report agree with each other.
 */
class PatchIT {

    @TempDir
    static Path dir;

    private static Path data;

    @BeforeAll
    static void writeData() throws IOException {
        data = SquaresData.write(dir.resolve("data"));
    }

    @Test
    void aSharedHeadPatchFromTrainingToReport() throws IOException {
        Path output = dir.resolve("runs");
        Path descriptor = Files.writeString(dir.resolve("patch.yaml"), String.join("\n",
                "name: patch",
                "seed: 3",
                "output: " + output,
                "tasks:",
                "  upright: {dataset: fashion-mnist, path: " + data + ", validation-per-class: 10}",
                "  inverted: {dataset: fashion-mnist, path: " + data + ", validation-per-class: 10, transform: {invert: true}}",
                "networks:",
                "  zs: {model: small-cnn, task: upright}",
                "  ft: {model: small-cnn, task: inverted}",
                "  fixed: {model: small-cnn, task: inverted}",
                "  fixed-by-accuracy: {model: small-cnn, task: upright}",
                "stages:",
                "  - {type: pretrain, network: zs, epochs: 2, batch-size: 32}",
                "  - {type: finetune, from: zs, network: ft, head: keep, epochs: 1, batch-size: 32, learning-rate: 0.01}",
                "  - {name: fix, type: patch, supported: zs, patched: ft, network: fixed, heads: shared,",
                "     search: [{id: quasi-convex, samples: 5}, {id: grid, step: 0.25}]}",
                "  - {name: by-accuracy, type: patch, supported: zs, patched: ft, network: fixed-by-accuracy, heads: shared,",
                "     objective: mean-accuracy, search: [{id: grid, step: 0.5}]}",
                ""));
        Path run = CommandLineRun.run(descriptor, output);
        List<LifecycleEvent> events = EventLog.events(run.resolve(EventLog.FILE));
        List<CoefficientChosenEvent> chosen = EventLog.of(events, CoefficientChosenEvent.class)
                .filter(e -> e.stage().equals("fix")).toList();
        assertEquals(List.of("quasi-convex", "grid"), chosen.stream().map(CoefficientChosenEvent::searchId).toList());
        CoefficientChosenEvent grid = chosen.get(1);
        assertEquals(5, grid.evaluations(), "0, 0.25, 0.5, 0.75, 1");
        assertEquals(List.of(0.0, 0.25, 0.5, 0.75, 1.0), grid.coefficients());
        // quasi-convex: 5 samples, the bracket filled to 6, maybe the root: 8 to 10
        assertTrue(chosen.get(0).evaluations() >= 8 && chosen.get(0).evaluations() <= 10, chosen.get(0).toString());

        List<CoefficientEvaluatedEvent> validation = EventLog.of(events, CoefficientEvaluatedEvent.class)
                .filter(e -> e.stage().equals("fix") && e.split().equals("validation")).toList();
        assertEquals(validation.size(), validation.stream().map(CoefficientEvaluatedEvent::coefficient).distinct().count(),
                "each coefficient measured once, whichever search asked");
        CoefficientEvaluatedEvent atZero = validation.stream().filter(e -> e.coefficient() == 0).findFirst().orElseThrow();
        assertEquals(2.0, atZero.objective(), 1e-12, "the normalised loss sum is 2 at a = 0");
        assertEquals(100, atZero.tasks().get(0).images(), "10 validation images per class");
        for (CoefficientChosenEvent c : chosen) {
            CoefficientEvaluatedEvent measured = validation.stream().filter(e -> e.coefficient() == c.coefficient())
                    .findFirst().orElseThrow();
            assertEquals(measured.objective(), c.objective(), "the chosen objective is the measured one");
            assertTrue(validation.stream().allMatch(e -> !c.coefficients().contains(e.coefficient())
                    || e.objective() >= c.objective()), "the choice is the best it measured");
        }

        List<CoefficientEvaluatedEvent> test = EventLog.of(events, CoefficientEvaluatedEvent.class)
                .filter(e -> e.stage().equals("fix") && e.split().equals("test")).toList();
        assertTrue(test.stream().anyMatch(e -> e.coefficient() == 0) && test.stream().anyMatch(e -> e.coefficient() == 1));
        double saved = chosen.get(0).coefficient();
        CoefficientEvaluatedEvent atSaved = test.stream().filter(e -> e.coefficient() == saved).findFirst().orElseThrow();
        NetworkEvaluatedEvent fixed = EventLog.of(events, NetworkEvaluatedEvent.class)
                .filter(e -> e.network().equals("fixed")).findFirst().orElseThrow();
        assertEquals(atSaved.tasks().get(1).accuracy(), fixed.accuracy(), 1e-12,
                "the saved network is the one measured at the first search's choice");
        NetworkEvaluatedEvent zs = EventLog.of(events, io.transferbench.api.event.EpochEndedEvent.class)
                .filter(e -> e.network().equals("zs")).reduce((a, b) -> b)
                .map(e -> new NetworkEvaluatedEvent("", "zs", "upright", e.accuracy(), e.errorRate(), e.evalLoss(), 0, List.of()))
                .orElseThrow();
        CoefficientEvaluatedEvent testAtZero = test.stream().filter(e -> e.coefficient() == 0).findFirst().orElseThrow();
        assertEquals(zs.accuracy(), testAtZero.tasks().get(0).accuracy(), 1e-12, "a = 0 is the supported network");

        PatchDiagnosticsEvent d = EventLog.of(events, PatchDiagnosticsEvent.class).findFirst().orElseThrow();
        // to first order BKT at a -> 0 is ||g|| GS; the smallest measured a is not 0, but the signs agree
        assertEquals(Math.signum(d.gradientSimilarity()), Math.signum(d.backwardKnowledgeTransfer()), d.toString());
        assertTrue(d.distance() > 0 && d.gradientNorm() > 0 && Math.abs(d.gradientSimilarity()) <= 1, d.toString());
        assertEquals(saved, d.chosenCoefficient());
        assertTrue(Files.isRegularFile(run.resolve("models/fixed.zip")));

        // mean-accuracy: 1 - (supported + patch accuracy) / 2 at each of 0, 0.5, 1; the saved network has the
        // supported task, so it takes w_zs's side (the heads are shared anyway)
        List<CoefficientEvaluatedEvent> byAccuracy = EventLog.of(events, CoefficientEvaluatedEvent.class)
                .filter(e -> e.stage().equals("by-accuracy") && e.split().equals("validation")).toList();
        assertEquals(List.of(0.0, 0.5, 1.0), byAccuracy.stream().map(CoefficientEvaluatedEvent::coefficient).toList());
        for (CoefficientEvaluatedEvent e : byAccuracy) {
            assertEquals(1 - (e.tasks().get(0).accuracy() + e.tasks().get(1).accuracy()) / 2, e.objective(), 1e-12);
        }
        String report = Files.readString(run.resolve("report.html"));
        assertTrue(report.contains("Coefficient searches (validation split)") && report.contains("GradientSimilarity"));
    }
}
