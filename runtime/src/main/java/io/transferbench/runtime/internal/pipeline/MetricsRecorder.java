package io.transferbench.runtime.internal.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.LifecycleListener;
import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.event.RunFinishedEvent;
import io.transferbench.runtime.internal.events.EventLog;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code metrics.csv} (one row per network and epoch, flushed as it comes) and, when the run
 * finishes, {@code summary.json} (each network's last result), written atomically.
 */
public final class MetricsRecorder implements LifecycleListener, Closeable {

    // seconds stays last: everything before it repeats exactly from run to run with the same seed
    static final String HEADER = "stage,network,epoch,train_loss,accuracy,error_rate,eval_loss,learning_rate,"
            + "train_accuracy,seconds";

    private final Path folder;
    private final BufferedWriter csv;
    private final Map<String, Map<String, Object>> last = new LinkedHashMap<>();
    private Map<String, String> provenance = Map.of();
    /** False when continuing a file written before the train_accuracy column: its rows keep their shape. */
    private boolean trainAccuracyColumn = true;

    public MetricsRecorder(Path folder) {
        this(folder, false);
    }

    private MetricsRecorder(Path folder, boolean append) {
        this.folder = folder;
        Path file = folder.resolve("metrics.csv");
        try {
            if (append && Files.exists(file)) {
                try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
                    trainAccuracyColumn = lines.findFirst().map(h -> h.contains(",train_accuracy,")).orElse(true);
                }
                csv = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } else {
                csv = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                csv.write(HEADER);
                csv.newLine();
                csv.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create metrics.csv in " + folder, e);
        }
    }

    /**
     * Continues a resumed run's {@code metrics.csv}, and recovers each network's last result from the
     * (already cut back) {@code events.jsonl}, so {@code summary.json} covers the whole run.
     */
    static MetricsRecorder resume(Path folder) throws IOException {
        MetricsRecorder recorder = new MetricsRecorder(folder, true);
        Path events = folder.resolve(EventLog.FILE);
        if (Files.exists(events)) {
            EventLog.events(events).forEach(recorder::remember);
        }
        return recorder;
    }

    @Override
    public void onEvent(LifecycleEvent event) {
        if (event instanceof EpochEndedEvent e) {
            // seconds stay last (the one column that differs between identical runs)
            String row = String.format(Locale.ROOT, "%s,%s,%d,%.6f,%.6f,%.4f,%.6f,%.6g,", e.stage(), e.network(),
                    e.epoch(), e.trainLoss(), e.accuracy(), e.errorRate(), e.evalLoss(), e.learningRate());
            if (trainAccuracyColumn) {
                row += (e.trainAccuracy() == null ? "" : String.format(Locale.ROOT, "%.6f", e.trainAccuracy())) + ",";
            }
            write(row + String.format(Locale.ROOT, "%.3f", e.seconds()));
        } else if (event instanceof RunFinishedEvent e) {
            writeSummary(e);
        }
        remember(event);
    }

    /** One network's last result as {@code summary.json} holds it. */
    public record NetworkResult(String network, String stage, double accuracy, double errorRate, double loss) {
    }

    /** Each network's last result from a run folder's {@code summary.json}; none when there is no such file. */
    public static java.util.List<NetworkResult> summary(Path folder) throws IOException {
        Path file = folder.resolve("summary.json");
        java.util.List<NetworkResult> out = new java.util.ArrayList<>();
        if (Files.isRegularFile(file)) {
            new ObjectMapper().readTree(file.toFile()).path("networks").fields().forEachRemaining(e -> out.add(
                    new NetworkResult(e.getKey(), e.getValue().path("stage").asText(), e.getValue().path("accuracy").asDouble(),
                            e.getValue().path("error_rate").asDouble(), e.getValue().path("loss").asDouble())));
        }
        return out;
    }

    /** Keeps each network's last result (epoch end or evaluation) for summary.json. */
    private void remember(LifecycleEvent event) {
        if (event instanceof io.transferbench.api.event.RunStartedEvent e) {
            provenance = e.provenance();
        } else if (event instanceof EpochEndedEvent e) {
            remember(e.network(), e.stage(), e.accuracy(), e.errorRate(), e.evalLoss());
        } else if (event instanceof NetworkEvaluatedEvent e) {
            remember(e.network(), e.stage(), e.accuracy(), e.errorRate(), e.loss());
        }
    }

    private void remember(String network, String stage, double accuracy, double errorRate, double loss) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", stage);
        m.put("accuracy", accuracy);
        m.put("error_rate", errorRate);
        m.put("loss", loss);
        last.put(network, m);
    }

    private void write(String line) {
        try {
            csv.write(line);
            csv.newLine();
            csv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to metrics.csv", e);
        }
    }

    private void writeSummary(RunFinishedEvent e) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("run", e.runId());
        summary.put("succeeded", e.succeeded());
        summary.put("seconds", e.seconds());
        summary.put("networks", last);
        summary.put("provenance", provenance);
        try {
            Path temp = folder.resolve("summary.json.tmp");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(temp.toFile(), summary);
            Files.move(temp, folder.resolve("summary.json"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot write summary.json", ex);
        }
    }

    @Override
    public void close() throws IOException {
        csv.close();
    }
}
