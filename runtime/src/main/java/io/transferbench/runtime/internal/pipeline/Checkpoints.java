package io.transferbench.runtime.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.transferbench.api.event.CheckpointWrittenEvent;
import io.transferbench.runtime.internal.events.EventLog;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's checkpoints: {@code checkpoints/state.json} says how far the run got (stages completed,
 * epochs of the stage in progress, the lengths of {@code events.jsonl} and {@code metrics.csv} at
 * that moment) and points to a folder {@code checkpoints/<n>/} with the networks of the stage in
 * progress. The folder is complete before {@code state.json} is replaced atomically, so a run killed
 * at any moment leaves the previous checkpoint intact. Networks of completed stages are in
 * {@code models/}.
 */
public final class Checkpoints {

    private static final Logger LOG = LogManager.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String FOLDER = "checkpoints";
    static final String STATE = "state.json";

    /** Writes one network to a file. */
    @FunctionalInterface
    public interface NetworkWriter {
        void write(Path file) throws IOException;
    }

    /**
     * Where the stage in progress was when the checkpoint was written.
     *
     * @param epochs   epochs completed in the stage
     * @param networks the stage's networks by name, each a file to load
     * @param extra    whatever else the stage saved (schedules, counters)
     */
    public record StageResume(int epochs, Map<String, Path> networks, JsonNode extra) {
    }

    /** What {@code state.json} holds. */
    record State(int trial, int completedStages, int epochs, Map<String, String> networks,
                 JsonNode extra, long eventsBytes, long metricsBytes, double elapsedSeconds, boolean finished,
                 int sequence) {
    }

    private final Path runFolder;
    private final Path folder;
    private final int trial;
    private final State resumeFrom;
    private final long startNanos = System.nanoTime();
    private final double elapsedBefore;
    private int sequence;

    private Checkpoints(Path runFolder, int trial, State resumeFrom) {
        this.runFolder = runFolder;
        this.folder = runFolder.resolve(FOLDER);
        this.trial = trial;
        this.resumeFrom = resumeFrom;
        this.elapsedBefore = resumeFrom == null ? 0 : resumeFrom.elapsedSeconds();
        this.sequence = resumeFrom == null ? 0 : resumeFrom.sequence();
    }

    static Checkpoints fresh(Path runFolder, int trial) {
        return new Checkpoints(runFolder, trial, null);
    }

    /**
     * Reads a run folder's last checkpoint and cuts {@code events.jsonl} and {@code metrics.csv} back to
     * what they held then, so epochs run after it are not counted twice when they run again. Everything
     * is checked before anything is cut: a damaged checkpoint is a {@link RunFolderException} and leaves
     * the folder as it was. A folder killed before its first checkpoint (no state, no events yet) starts
     * over in place.
     */
    static Checkpoints resume(Path runFolder) throws IOException {
        State state = inspect(runFolder);
        if (state == null) {
            return new Checkpoints(runFolder, trialFromName(runFolder), null);
        }
        truncate(runFolder.resolve(EventLog.FILE), state.eventsBytes());
        truncate(runFolder.resolve("metrics.csv"), state.metricsBytes());
        return new Checkpoints(runFolder, state.trial(), state);
    }

    /**
     * Checks, without changing anything, that a run folder can be resumed: its state and what it points to.
     *
     * @return the state, or null when the run was killed before its first checkpoint and starts over
     */
    static State inspect(Path runFolder) throws IOException {
        Path file = runFolder.resolve(FOLDER).resolve(STATE);
        if (!Files.exists(file)) {
            Path events = runFolder.resolve(EventLog.FILE);
            if (Files.exists(events) && Files.size(events) > 0) {
                throw new RunFolderException(file + " is missing, but " + events + " holds " + Files.size(events)
                        + " bytes of events: the checkpoint state was removed, so where to continue is unknown. Nothing "
                        + "was changed; restore the file, or run the pipeline again with 'transferbench run'.");
            }
            return null;
        }
        State state = read(runFolder);
        check(runFolder, state);
        return state;
    }

    /** The trial a run folder is for, from its name ({@code ...-trial-3}); 1 when it has none. */
    private static int trialFromName(Path runFolder) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("-trial-(\\d+)(-\\d+)?$")
                .matcher(runFolder.getFileName().toString());
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    /** The state of a run folder's last checkpoint, every field checked; the error names the file and field. */
    static State read(Path runFolder) throws IOException {
        Path file = runFolder.resolve(FOLDER).resolve(STATE);
        String what = " Nothing was changed; restore the file, or run the pipeline again with 'transferbench run'.";
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new RunFolderException(file + ": not readable as JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "): the checkpoint state is damaged." + what);
        }
        if (n == null || !n.isObject()) {
            throw new RunFolderException(file + ": " + (n == null || n.isMissingNode() ? "empty" : "not a JSON object")
                    + ": the checkpoint state is damaged." + what);
        }
        for (String field : new String[] {"trial", "completedStages", "epochs", "eventsBytes", "metricsBytes", "sequence"}) {
            if (!n.path(field).canConvertToLong() || !n.path(field).isIntegralNumber() || n.path(field).asLong() < 0) {
                throw new RunFolderException(file + ": field '" + field + "' is " + (n.has(field) ? n.get(field) : "missing")
                        + ", expected a whole number >= 0: the checkpoint state is damaged." + what);
            }
        }
        if (!n.path("finished").isBoolean() || !n.path("networks").isObject() || !n.path("elapsedSeconds").isNumber()) {
            throw new RunFolderException(file + ": fields 'finished' (true or false), 'networks' (an object) and "
                    + "'elapsedSeconds' (a number) are required: the checkpoint state is damaged." + what);
        }
        Map<String, String> networks = new LinkedHashMap<>();
        n.path("networks").fields().forEachRemaining(e -> networks.put(e.getKey(), e.getValue().asText()));
        return new State(Math.max(1, n.path("trial").asInt()), n.path("completedStages").asInt(),
                n.path("epochs").asInt(), networks, n.path("extra"), n.path("eventsBytes").asLong(),
                n.path("metricsBytes").asLong(), n.path("elapsedSeconds").asDouble(), n.path("finished").asBoolean(),
                n.path("sequence").asInt());
    }

    /** What the state points to must be there and whole: the logs at least as long, the networks readable. */
    private static void check(Path runFolder, State state) throws IOException {
        String what = " Nothing was changed.";
        for (Map.Entry<String, Long> f : Map.of(EventLog.FILE, state.eventsBytes(), "metrics.csv", state.metricsBytes())
                .entrySet()) {
            Path p = runFolder.resolve(f.getKey());
            long size = Files.exists(p) ? Files.size(p) : 0;
            if (size < f.getValue()) {
                throw new RunFolderException(p + " holds " + size + " bytes, but the checkpoint was taken when it held "
                        + f.getValue() + ": the file was cut or replaced after the checkpoint, so the run cannot continue "
                        + "from it." + what);
            }
        }
        if (state.eventsBytes() == 0) {
            return; // prepared, never started (a sweep's trial): nothing to check yet
        }
        try {
            EventLog.read(runFolder.resolve(EventLog.FILE), state.eventsBytes());
        } catch (IOException e) {
            throw new RunFolderException(e.getMessage() + ": the event log before the checkpoint is damaged, so the run "
                    + "cannot continue from it." + what);
        }
        if (state.epochs() == 0) {
            return;
        }
        Path dir = runFolder.resolve(FOLDER).resolve(String.valueOf(state.sequence()));
        for (Map.Entry<String, String> network : state.networks().entrySet()) {
            Path model = dir.resolve(network.getValue());
            if (!Files.isRegularFile(model)) {
                throw new RunFolderException(model + " is missing: the checkpoint of network '" + network.getKey()
                        + "' after epoch " + state.epochs() + " is gone." + what);
            }
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(model.toFile())) {
                if (zip.getEntry("configuration.json") == null || zip.getEntry("coefficients.bin") == null) {
                    throw new RunFolderException(model + " is not a DL4J model (no configuration.json or "
                            + "coefficients.bin): the checkpoint of network '" + network.getKey() + "' is damaged." + what);
                }
            } catch (java.util.zip.ZipException e) {
                throw new RunFolderException(model + " is damaged (" + e.getMessage() + "; truncated?): the checkpoint "
                        + "of network '" + network.getKey() + "' after epoch " + state.epochs() + " cannot be read."
                        + what);
            }
        }
    }

    private static void truncate(Path file, long bytes) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            if (channel.size() > bytes) {
                channel.truncate(bytes);
            }
        }
    }

    int trial() {
        return trial;
    }

    /** Stages already completed when the run resumes (0 for a fresh run). */
    int completedStages() {
        return resumeFrom == null ? 0 : resumeFrom.completedStages();
    }

    /** Whether the run had logged anything before this checkpoint: then it continues, else it starts. */
    boolean resumed() {
        return resumeFrom != null && resumeFrom.eventsBytes() > 0;
    }

    /** Epochs of the stage in progress already done at the checkpoint (0 between stages). */
    int epochsDone() {
        return resumeFrom == null ? 0 : resumeFrom.epochs();
    }

    /** The networks the checkpoint restores, by name (none between stages). */
    List<String> restoredNetworks() {
        return resumeFrom == null || resumeFrom.epochs() == 0 ? List.of() : List.copyOf(resumeFrom.networks().keySet());
    }

    boolean finished() {
        return resumeFrom != null && resumeFrom.finished();
    }

    /** Seconds the run had spent before it was resumed, plus the time since. */
    double elapsedSeconds() {
        return elapsedBefore + (System.nanoTime() - startNanos) / 1e9;
    }

    /** Where stage {@code index} was at the last checkpoint, if it was in progress then. */
    public Optional<StageResume> resumePoint(int index) {
        if (resumeFrom == null || resumeFrom.completedStages() != index || resumeFrom.epochs() == 0) {
            return Optional.empty();
        }
        Path dir = folder.resolve(String.valueOf(resumeFrom.sequence()));
        Map<String, Path> networks = new LinkedHashMap<>();
        resumeFrom.networks().forEach((name, file) -> networks.put(name, dir.resolve(file)));
        return Optional.of(new StageResume(resumeFrom.epochs(), networks, resumeFrom.extra()));
    }

    /**
     * Writes a checkpoint of stage {@code index} after {@code epochs} completed epochs: the networks
     * into a new folder, a {@link CheckpointWrittenEvent}, then the state, then old folders go.
     */
    public void write(StageContext context, int epochs, Map<String, NetworkWriter> networks, Map<String, ?> extra)
            throws IOException {
        int next = sequence + 1;
        Path dir = folder.resolve(String.valueOf(next));
        deleteTree(dir);
        Files.createDirectories(dir);
        Map<String, String> files = new LinkedHashMap<>();
        for (Map.Entry<String, NetworkWriter> e : networks.entrySet()) {
            String file = e.getKey() + ".zip";
            e.getValue().write(dir.resolve(file));
            files.put(e.getKey(), file);
        }
        context.publish(new CheckpointWrittenEvent(context.stageName(), epochs,
                runFolder.relativize(dir).toString().replace('\\', '/')));
        writeState(new State(trial, context.index(), epochs, files, JSON.valueToTree(extra),
                size(EventLog.FILE), size("metrics.csv"), elapsedSeconds(), false, next));
        sequence = next;
        removeFoldersExcept(next);
    }

    /** Records that stages {@code 0..index} are complete (their networks are in {@code models/}). */
    void stageCompleted(int index) throws IOException {
        writeState(new State(trial, index + 1, 0, Map.of(), JSON.createObjectNode(), size(EventLog.FILE),
                size("metrics.csv"), elapsedSeconds(), false, sequence));
        removeFoldersExcept(-1);
    }

    /** Marks the run as finished; a later {@code resume} has nothing to do. */
    void finished(int stages) throws IOException {
        writeState(new State(trial, stages, 0, Map.of(), JSON.createObjectNode(), size(EventLog.FILE),
                size("metrics.csv"), elapsedSeconds(), true, sequence));
    }

    private long size(String file) throws IOException {
        Path p = runFolder.resolve(file);
        return Files.exists(p) ? Files.size(p) : 0;
    }

    private void writeState(State state) throws IOException {
        Files.createDirectories(folder);
        ObjectNode n = JSON.createObjectNode();
        n.put("trial", state.trial());
        n.put("completedStages", state.completedStages());
        n.put("epochs", state.epochs());
        n.set("networks", JSON.valueToTree(state.networks()));
        n.set("extra", state.extra() == null ? JSON.createObjectNode() : state.extra());
        n.put("eventsBytes", state.eventsBytes());
        n.put("metricsBytes", state.metricsBytes());
        n.put("elapsedSeconds", state.elapsedSeconds());
        n.put("finished", state.finished());
        n.put("sequence", state.sequence());
        Path temp = folder.resolve(STATE + ".tmp");
        JSON.writeValue(temp.toFile(), n);
        Files.move(temp, folder.resolve(STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void removeFoldersExcept(int keep) {
        try (Stream<Path> entries = Files.list(folder)) {
            for (Iterator<Path> it = entries.iterator(); it.hasNext(); ) {
                Path p = it.next();
                if (Files.isDirectory(p) && !p.getFileName().toString().equals(String.valueOf(keep))) {
                    deleteTree(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not remove old checkpoints in {}: {}", folder, e.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
