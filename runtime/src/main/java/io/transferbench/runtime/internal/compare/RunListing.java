package io.transferbench.runtime.internal.compare;

import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.event.RunFinishedEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.runtime.internal.events.EventLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The run folders under a folder (sweeps' nested ones too), each summed up from its events. */
public final class RunListing {

    /** What a run's status can be. */
    public enum Status { FINISHED, FAILED, UNFINISHED, DAMAGED }

    /**
     * One run folder at a glance.
     *
     * @param why      for a failed run, the failed stage and its reason; for a damaged one, what is wrong
     * @param accuracy each network's last evaluation accuracy
     */
    public record Run(Path folder, Status status, String why, String pipeline, String configuration, int trial,
                      Map<String, Double> accuracy, double seconds, boolean resumable) {
    }

    private RunListing() {
    }

    /** Every run folder under {@code root} (or {@code root} itself), in path order. */
    public static List<Run> under(Path root) throws IOException {
        List<Run> runs = new ArrayList<>();
        if (RunRecord.isRunFolder(root)) {
            runs.add(read(root));
            return runs;
        }
        try (Stream<Path> walk = Files.walk(root, 3)) {
            for (Path folder : walk.filter(Files::isDirectory).filter(RunRecord::isRunFolder).sorted().toList()) {
                runs.add(read(folder));
            }
        }
        return runs;
    }

    static Run read(Path folder) {
        boolean resumable = Files.isRegularFile(folder.resolve("descriptor.yaml"));
        List<EventLog.Entry> entries;
        try {
            entries = EventLog.read(folder.resolve(EventLog.FILE));
        } catch (IOException e) {
            return new Run(folder, Status.DAMAGED, e.getMessage(), "", "", 0, Map.of(), 0, false);
        }
        String pipeline = "";
        String configuration = "";
        int trial = 0;
        Map<String, Double> accuracy = new LinkedHashMap<>();
        String failed = "";
        RunFinishedEvent finished = null;
        for (EventLog.Entry entry : entries) {
            LifecycleEvent e = entry.event();
            if (e instanceof RunStartedEvent s) {
                pipeline = s.pipeline();
                configuration = s.configuration();
                trial = s.trial();
            } else if (e instanceof EpochEndedEvent end) {
                accuracy.put(end.network(), end.accuracy());
            } else if (e instanceof NetworkEvaluatedEvent eval) {
                accuracy.put(eval.network(), eval.accuracy());
            } else if (e instanceof StageFinishedEvent f && !f.succeeded()) {
                failed = "stage '" + f.stage() + "': " + f.failure();
            } else if (e instanceof RunFinishedEvent f) {
                finished = f;
            }
        }
        double seconds = finished != null ? finished.seconds() : entries.size() < 2 ? 0
                : Duration.between(entries.get(0).time(), entries.get(entries.size() - 1).time()).toMillis() / 1000.0;
        Status status = finished == null ? Status.UNFINISHED : finished.succeeded() ? Status.FINISHED : Status.FAILED;
        return new Run(folder, status, status == Status.FAILED && failed.isEmpty() ? "a listener failed" : failed,
                pipeline, configuration, trial, accuracy, seconds, status != Status.FINISHED && resumable);
    }
}
