package io.transferbench.runtime.internal.cli;

import io.transferbench.api.compression.CompressionDecision;
import io.transferbench.api.event.CompressionStepCompletedEvent;
import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.EpochStartedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress as plain lines (not a terminal): one per epoch with the expected total and an ETA. */
class ProgressTest {

    @Test
    void plainLinesCountEpochsOverEveryNetworkOfTheStage() {
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text, true), false, false);
        progress.onEvent(new StageStartedEvent("transfer", "online-transfer", 0, Map.of()));
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (String network : new String[] {"a", "b"}) {
                progress.onEvent(new EpochStartedEvent("transfer", network, epoch, 2));
                progress.onEvent(new EpochEndedEvent("transfer", network, epoch, 2, 0.5, 0.8, 20, 0.4, 1, 0.01));
            }
        }
        progress.onEvent(new CompressionStepCompletedEvent("transfer", "a", 0, "rl", CompressionDecision.Action.TRY, 3, 0.1, 0.1, 0.7,
                Map.of("episode", 0.0), 10, 0, Double.NaN, Double.NaN));
        progress.onEvent(new CompressionStepCompletedEvent("transfer", "a", 1, "rl", CompressionDecision.Action.REMOVE, 3, 0.25, 0.3, 0.7, Map.of(), 10, 0, Double.NaN, Double.NaN));
        progress.onEvent(StageFinishedEvent.succeeded("transfer", "online-transfer", 0, 75));
        String[] lines = text.toString().split("\n");
        assertEquals("stage transfer (online-transfer) started", lines[0]);
        // the first epoch of b is not known yet when a's ends: 1 of 2, then the total grows to 4
        assertTrue(lines[1].startsWith("  transfer | a epoch 1/2 acc 0.8000 | loss 0.4000 | 1/2 epochs | ETA "), lines[1]);
        assertTrue(lines[4].startsWith("  transfer | b epoch 2/2 acc 0.8000 | loss 0.4000 | 4/4 epochs | ETA 0s"), lines[4]);
        assertEquals("  transfer | remove 3 filters | compression 25.00 % | FLOPs -30.00 % | accuracy 0.7000", lines[5],
                "trials are shown only with --verbose; removals always");
        assertEquals("stage transfer finished in 1m15s", lines[6]);
        assertEquals(7, lines.length);
    }

    @Test
    void durationsReadAsAPersonWritesThem() {
        assertEquals("59s", Progress.duration(59.4));
        assertEquals("2m05s", Progress.duration(125));
        assertEquals("1h01m", Progress.duration(3660));
    }
}
