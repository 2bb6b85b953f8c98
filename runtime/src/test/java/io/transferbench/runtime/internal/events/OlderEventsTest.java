package io.transferbench.runtime.internal.events;

import io.transferbench.api.event.CompressionStepCompletedEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.PruningStepCompletedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Run folders written before a field was added still read: the field takes its zero. */
class OlderEventsTest {

    @TempDir
    Path dir;

    @Test
    void compressionEventsFromBeforeAdaptiveBatchNormRead() throws Exception {
        Path file = Files.write(dir.resolve(EventLog.FILE), List.of(
                "{\"time\":\"2026-11-24T00:00:00Z\",\"type\":\"PruningStepCompleted\",\"stage\":\"hrank\",\"network\":\"p\","
                        + "\"step\":1,\"layer\":\"conv1\",\"filtersBefore\":16,\"removedFilters\":[0],\"parametersBefore\":10,"
                        + "\"parametersAfter\":9,\"flopsBefore\":100,\"flopsAfter\":90,\"accuracyBefore\":0.9,"
                        + "\"accuracyAfter\":0.5}",
                "{\"time\":\"2026-11-24T00:00:01Z\",\"type\":\"CompressionStepCompleted\",\"stage\":\"hrank\",\"network\":\"p\","
                        + "\"step\":0,\"controller\":\"one-shot\",\"action\":\"REMOVE\",\"filters\":1,\"compressionRate\":0.1,"
                        + "\"flopsReduction\":0.1,\"accuracy\":0.5,\"diagnostics\":{}}"));
        List<LifecycleEvent> events = EventLog.events(file);
        assertEquals(0, ((PruningStepCompletedEvent) events.get(0)).adaptationBatches());
        CompressionStepCompletedEvent step = (CompressionStepCompletedEvent) events.get(1);
        assertEquals(0, step.adaptationBatches());
        assertEquals(0, step.retrainBatches());
        assertEquals(0.5, step.accuracy());
    }

    @Test
    void epochsFromBeforeTrainingAccuracyReadWithoutOne() throws Exception {
        Path file = Files.write(dir.resolve(EventLog.FILE), List.of(
                "{\"time\":\"2026-11-24T00:00:00Z\",\"type\":\"EpochEnded\",\"stage\":\"s\",\"network\":\"n\","
                        + "\"epoch\":1,\"totalEpochs\":2,\"trainLoss\":0.5,\"accuracy\":0.8,\"errorRate\":20,"
                        + "\"evalLoss\":0.6,\"seconds\":1,\"learningRate\":0.01}"));
        io.transferbench.api.event.EpochEndedEvent e = (io.transferbench.api.event.EpochEndedEvent)
                EventLog.events(file).get(0);
        assertEquals(null, e.trainAccuracy(), "not measured, not 0");
        assertEquals(0.8, e.accuracy());
    }
}
