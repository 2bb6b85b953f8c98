package io.transferbench.runtime.internal.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.pipeline.MetricsRecorder;
import io.transferbench.runtime.internal.pipeline.PipelineRunner;
import io.transferbench.runtime.internal.pipeline.RunFolderException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A sweep folder: {@code sweep.json} (the plan: every trial's run folder, combination and trial number,
 * and the executor settings) and one prepared run folder per trial beside it. Each trial's state is its
 * own run folder's checkpoint, so a sweep resumes by resuming the trials that did not finish. The one
 * place that writes and reads {@code sweep.json} and {@code sweep-summary.csv}.
 */
public final class SweepFolder {

    public static final String FILE = "sweep.json";
    public static final String SUMMARY = "sweep-summary.csv";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One trial of the sweep.
     *
     * @param folder        its run folder's name inside the sweep folder
     * @param configuration the 1-based combination (0: the descriptor has no grid)
     * @param values        the combination's swept values, {@code key=value ...}
     * @param trial         the 1-based trial of that combination
     */
    public record Trial(String folder, int configuration, String values, int trial) {
    }

    private final Path folder;
    private final String name;
    private final ExecutorSettings executor;
    private final List<Trial> trials;

    private SweepFolder(Path folder, String name, ExecutorSettings executor, List<Trial> trials) {
        this.folder = folder;
        this.name = name;
        this.executor = executor;
        this.trials = List.copyOf(trials);
    }

    /** Whether {@code folder} holds a {@code sweep.json}. */
    public static boolean isSweepFolder(Path folder) {
        return Files.isRegularFile(folder.resolve(FILE));
    }

    /**
     * Creates the sweep folder and prepares every trial's run folder in it (not started), then writes
     * {@code sweep.json} last: a folder without it was interrupted while being made and is not a sweep.
     */
    public static SweepFolder create(PipelineDescriptor d, PipelineRunner runner, ExecutorSettings executor)
            throws IOException {
        Path folder = runner.createSweepFolder(d);
        List<Trial> trials = new ArrayList<>();
        for (PipelineDescriptor c : d.configurations()) {
            for (int t = 1; t <= c.trials(); t++) {
                PipelineDescriptor trial = c.forTrial(t);
                String name = PipelineRunner.trialFolderName(trial, c.trials() > 1);
                runner.prepare(trial, folder.resolve(name));
                trials.add(new Trial(name, c.configurationIndex(), c.configuration(), t));
            }
        }
        SweepFolder sweep = new SweepFolder(folder, d.name(), executor, trials);
        sweep.write(d);
        return sweep;
    }

    private void write(PipelineDescriptor d) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", 1);
        n.put("name", name);
        n.put("descriptor", d.file() == null ? "" : d.file().toAbsolutePath().normalize().toString());
        ObjectNode e = n.putObject("executor");
        e.put("type", executor.type());
        e.put("parallel", executor.parallel());
        e.put("threadsPerTrial", executor.threadsPerTrial());
        e.put("retries", executor.retries());
        e.put("master", executor.master());
        ArrayNode list = n.putArray("trials");
        for (Trial t : trials) {
            list.addObject().put("folder", t.folder()).put("configuration", t.configuration()).put("values", t.values())
                    .put("trial", t.trial());
        }
        Path temp = folder.resolve(FILE + ".tmp");
        JSON.writeValue(temp.toFile(), n);
        Files.move(temp, folder.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Reads a sweep folder's plan; a damaged {@code sweep.json} is an error naming the file and the field. */
    public static SweepFolder read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        String nothing = " Nothing was changed.";
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new RunFolderException(file + ": not readable as JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "): the sweep's plan is damaged." + nothing);
        }
        if (n == null || !n.isObject() || !n.path("trials").isArray() || !n.path("executor").isObject()
                || !n.path("name").isTextual()) {
            throw new RunFolderException(file + ": expected an object with 'name', 'executor' and 'trials' (a list): "
                    + "the sweep's plan is damaged." + nothing);
        }
        JsonNode e = n.get("executor");
        for (String field : List.of("parallel", "threadsPerTrial", "retries")) {
            if (!e.path(field).canConvertToInt() || e.path(field).asInt() < (field.equals("retries") ? 0 : 1)) {
                throw new RunFolderException(file + ": field 'executor." + field + "' is " + e.path(field)
                        + ", expected a whole number >= " + (field.equals("retries") ? 0 : 1) + "." + nothing);
            }
        }
        ExecutorSettings executor = new ExecutorSettings(e.path("type").asText(ExecutorSettings.LOCAL),
                e.get("parallel").asInt(), e.get("threadsPerTrial").asInt(), e.get("retries").asInt(),
                e.path("master").asText("local[*]"));
        List<Trial> trials = new ArrayList<>();
        int i = 0;
        for (JsonNode t : n.get("trials")) {
            String folderName = t.path("folder").asText("");
            if (folderName.isEmpty() || folderName.contains("/") || folderName.contains("\\") || folderName.startsWith(".")
                    || !t.path("trial").canConvertToInt() || !t.path("configuration").canConvertToInt()) {
                throw new RunFolderException(file + ": trials[" + i + "] needs 'folder' (a folder name inside the sweep "
                        + "folder), 'configuration' and 'trial' (whole numbers): the sweep's plan is damaged." + nothing);
            }
            trials.add(new Trial(folderName, t.get("configuration").asInt(), t.path("values").asText(""),
                    t.get("trial").asInt()));
            i++;
        }
        return new SweepFolder(folder, n.get("name").asText(), executor, trials);
    }

    /**
     * The sweep trial a run folder is, when it lies in a sweep folder that lists it: its run then carries
     * the combination's label, as it would have run in the sweep's own JVM.
     */
    public static java.util.Optional<Trial> trialOf(Path runFolder) throws IOException {
        Path parent = runFolder.toAbsolutePath().normalize().getParent();
        if (parent == null || !isSweepFolder(parent)) {
            return java.util.Optional.empty();
        }
        String name = runFolder.toAbsolutePath().normalize().getFileName().toString();
        return read(parent).trials().stream().filter(t -> t.folder().equals(name)).findFirst();
    }

    public Path folder() {
        return folder;
    }

    public String name() {
        return name;
    }

    public ExecutorSettings executor() {
        return executor;
    }

    public List<Trial> trials() {
        return trials;
    }

    public Path runFolder(Trial trial) {
        return folder.resolve(trial.folder());
    }

    /** The trials whose run folder has not finished (never started, interrupted or failed). */
    public List<Trial> unfinished() {
        return trials.stream().filter(t -> !PipelineRunner.finished(runFolder(t))).toList();
    }

    /**
     * How a trial has ended so far, from its run folder: its checkpoint (finished) and its
     * {@code attempts.jsonl} (attempts, their wall time, the last one's status and host).
     */
    public TrialResult result(Trial trial) throws IOException {
        List<com.fasterxml.jackson.databind.JsonNode> attempts = TrialProcess.attempts(runFolder(trial));
        double seconds = 0;
        for (JsonNode a : attempts) {
            try {
                seconds += java.time.Duration.between(java.time.Instant.parse(a.path("started").asText()),
                        java.time.Instant.parse(a.path("ended").asText())).toMillis() / 1000.0;
            } catch (java.time.format.DateTimeParseException e) {
                // an attempt without its times counts as an attempt only
            }
        }
        JsonNode last = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        String status = PipelineRunner.finished(runFolder(trial)) ? "finished"
                : last == null ? "not run" : last.path("status").asText("unknown");
        return new TrialResult(status, attempts.size(), seconds, last == null ? "" : last.path("where").asText(""));
    }

    /**
     * Writes {@code sweep-summary.csv}: per trial and network its combination, status, attempts, wall
     * seconds, host and the network's final accuracy.
     */
    public void writeSummary() throws IOException {
        StringBuilder b = new StringBuilder("folder,configuration,values,trial,status,attempts,seconds,where,network,"
                + "accuracy,error_rate,stage\n");
        for (Trial t : trials) {
            TrialResult r = result(t);
            String prefix = String.join(",", csv(t.folder()), String.valueOf(t.configuration()), csv(t.values()),
                    String.valueOf(t.trial()), r.status(), String.valueOf(r.attempts()),
                    String.format(Locale.ROOT, "%.1f", r.seconds()), csv(r.where()));
            List<MetricsRecorder.NetworkResult> networks = Files.isRegularFile(runFolder(t).resolve("summary.json"))
                    ? MetricsRecorder.summary(runFolder(t)) : List.of();
            if (networks.isEmpty()) {
                b.append(prefix).append(",,,,\n");
            }
            for (MetricsRecorder.NetworkResult net : networks) {
                b.append(prefix).append(',').append(csv(net.network())).append(String.format(Locale.ROOT, ",%.6f,%.4f,",
                        net.accuracy(), net.errorRate())).append(csv(net.stage())).append('\n');
            }
        }
        Path temp = folder.resolve(SUMMARY + ".tmp");
        Files.writeString(temp, b, StandardCharsets.UTF_8);
        Files.move(temp, folder.resolve(SUMMARY), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /**
     * How a trial ended in this invocation.
     *
     * @param status   finished, failed (an error, not retried), bad input, died (out of retries), or not run
     * @param attempts processes started for it
     * @param seconds  wall time over its attempts
     * @param where    the host (and executor) it ran on
     */
    public record TrialResult(String status, int attempts, double seconds, String where) {
    }
}
