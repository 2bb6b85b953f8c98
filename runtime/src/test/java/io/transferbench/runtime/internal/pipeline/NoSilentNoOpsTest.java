package io.transferbench.runtime.internal.pipeline;

import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.ScheduleAdjustedEvent;
import io.transferbench.api.event.ScheduleInitializedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.api.event.TransferPointReachedEvent;
import io.transferbench.api.event.WarningIssuedEvent;
import io.transferbench.api.schedule.ScheduleParameter;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.events.EventLog;
import io.transferbench.runtime.internal.plugins.PluginLoader;
import io.transferbench.runtime.internal.report.RunReport;
import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A configuration that cannot act is said before it runs, and a schedule rounding kept fixed is said after. */
class NoSilentNoOpsTest {

    @TempDir
    Path dir;

    private static final StageTypes TYPES = BuiltInStageTypes.all();

    private List<String> warnings(String stage) throws Exception {
        return TYPES.warnings(new DescriptorValidator(new PluginLoader().load(Optional.empty(), true),
                TYPES.pipelineSchema()).validate(dir.resolve("w.yaml"), String.join("\n",
                "name: warned",
                "tasks: {t: {dataset: fashion-mnist}}",
                "networks: {a: {model: small-cnn, task: t}, b: {model: small-cnn, task: t}}",
                "stages:",
                "  - " + stage,
                "")));
    }

    @Test
    void aRuleThatCanNeverFireIsSaidBeforeTraining() throws Exception {
        List<String> w = warnings("{type: online-transfer, networks: [a, b], epochs: 4, frequency: {initial: 2, rule: rule-1}}");
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).endsWith("stages[0]: frequency.rule 'rule-1' can never fire: with e = 2 over 4 epochs each "
                + "network makes 1 transfer, and rules act from the second on; the stage runs as with 'none' (lower "
                + "frequency.initial or add epochs)"), w.get(0));
        assertEquals(List.of(), warnings("{type: online-transfer, networks: [a, b], epochs: 5, frequency: {initial: 2, "
                + "rule: rule-1}}"), "transfers at 2 and 4 of 5 epochs: the rule fires at the second");
        assertEquals(List.of(), warnings("{type: online-transfer, networks: [a, b], epochs: 4, transfer: false, "
                + "frequency: {initial: 2, rule: rule-1}}"), "no transfers asked for");
    }

    @Test
    void aScheduleThatRoundingKeptFixedIsSaidInTheReport() throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        List<LifecycleEvent> events = List.of(new RunStartedEvent("run", "p", 1, 1, "", Map.of()),
                new StageStartedEvent("t", "online-transfer", 0, Map.of()),
                new WarningIssuedEvent("t", "w.yaml:5:5: stages[0]: something cannot act"),
                new ScheduleInitializedEvent("t", "a", 2, 10, "rule-5", "none", 1, 6, 0.5, 50),
                new TransferPointReachedEvent("t", "a", "b", 2, 1, 30),
                new TransferPointReachedEvent("t", "a", "b", 4, 2, 29),
                new ScheduleAdjustedEvent("t", "a", 4, ScheduleParameter.FREQUENCY, "rule-5", 2, 2.03, 2, -1));
        StringBuilder text = new StringBuilder();
        events.forEach(e -> text.append(EventLog.encode(e, Instant.EPOCH)).append('\n'));
        Files.writeString(run.resolve(EventLog.FILE), text);
        String html = Files.readString(RunReport.write(run, TYPES.reportSections()));
        assertTrue(html.contains("<b>Warning:</b> w.yaml:5:5: stages[0]: something cannot act"), "the stage's warning");
        assertTrue(html.contains("rule 'rule-5' on e of network a changed it 1 time(s) (raw values [2.03]), and rounding "
                + "or the bounds put it back every time"), html);
    }
}
