package io.transferbench.runtime.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.runtime.internal.data.DataFiles;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.events.EventLog;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a run's numbers come from: in its first event, in summary.json and in the report. */
class ProvenanceTest {

    @TempDir
    Path dir;

    @Test
    void theFirstEventSummaryAndReportSayWhereTheNumbersComeFrom() throws Exception {
        Path data = dir.resolve("fashion");
        DataFiles.mnistFolder(data, 20, 4, true);
        StageTypes types = new StageTypes(List.of(new PipelineRunnerTest.FakeEvaluate()));
        PipelineDescriptor d = new DescriptorValidator(new ComponentRegistry(List.of(), List.of()), types.pipelineSchema())
                .validate(dir.resolve("p.yaml"), String.join("\n",
                        "name: provenance",
                        "output: " + dir.resolve("runs"),
                        "tasks: {t: {dataset: fashion-mnist, path: " + data + "}}",
                        "networks: {a: {model: small-cnn, task: t}}",
                        "stages: [{type: evaluate, networks: [a]}]",
                        ""));
        Path run = new PipelineRunner(types).run(d, Map.of()).get(0).runFolder();

        RunStartedEvent started = EventLog.of(EventLog.events(run.resolve(EventLog.FILE)), RunStartedEvent.class)
                .findFirst().orElseThrow();
        Map<String, String> p = started.provenance();
        for (String key : List.of("transferbench.version", "transferbench.commit", "java", "os", "cpu", "engine",
                "env.OMP_NUM_THREADS")) {
            assertTrue(p.containsKey(key) && !p.get(key).isBlank(), key + " in " + p);
        }
        Path images = data.resolve("train-images-idx3-ubyte.gz");
        String expected = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(images)));
        assertEquals(expected, p.get("data " + images.toAbsolutePath().normalize()), "the data file's checksum");
        assertEquals(4, p.keySet().stream().filter(k -> k.startsWith("data ")).count(), "the four IDX files");

        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals(p.get("transferbench.commit"), summary.path("provenance").path("transferbench.commit").asText());
        String report = Files.readString(run.resolve("report.html"));
        assertTrue(report.contains("<h2>Provenance</h2>") && report.contains(expected), "in the report");
    }
}
