package io.transferbench.runtime.internal.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One trial in a JVM of its own: {@code transferbench resume RUN_DIR} on a prepared run folder, with the
 * thread counts fixed in its environment, its output appended to {@code trial.log} and every attempt
 * recorded in {@code attempts.jsonl}. A process that died (killed, crashed) is started again and
 * resumes from the trial's own checkpoint; one that ended with an error (exit 1) or bad input (exit 2)
 * is not, since it would fail the same way. Both executors run trials through here.
 */
public final class TrialProcess {

    public static final String LOG = "trial.log";
    public static final String ATTEMPTS = "attempts.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TrialProcess() {
    }

    /**
     * Writes to {@code file} (a Java argument file) how this JVM was started: its JVM options, module path,
     * class path and main module or class. Trials start with {@code java @file}: their command lines stay
     * short (the expanded class path alone passes the 4 kB that {@code ps} and /proc show), and the file
     * records how they ran.
     */
    public static Path writeJvmArguments(Path file) throws IOException {
        List<String> options = new ArrayList<>();
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // the main module comes back as -m below; a debugger's agent would clash on its port
            if (!option.startsWith("-Djdk.module.main=") && !option.startsWith("-agentlib:jdwp")) {
                options.add(option);
            }
        }
        options.add("-cp");
        options.add(System.getProperty("java.class.path", ""));
        Module main = TrialProcess.class.getModule();
        if (main.isNamed()) {
            options.add("-m");
            options.add(main.getName() + "/io.transferbench.runtime.Main");
        } else {
            options.add("io.transferbench.runtime.Main");
        }
        StringBuilder b = new StringBuilder("# how this sweep's trial JVMs start: java @" + file.getFileName() + "\n");
        for (String option : options) {
            b.append('"').append(option.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
        }
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, b, StandardCharsets.UTF_8);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** The command that runs {@code resume RUN_DIR} in a JVM started like this one, from {@link #writeJvmArguments}. */
    public static List<String> likeThisJvm(Path jvmArguments, Path pluginsDir, Path runFolder) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin",
                "java").toString()));
        command.add("@" + jvmArguments.toAbsolutePath());
        command.addAll(arguments(pluginsDir, runFolder));
        return command;
    }

    /** The command that runs {@code resume RUN_DIR} with a distribution's launcher script. */
    public static List<String> withLauncher(Path home, Path pluginsDir, Path runFolder) {
        List<String> command = new ArrayList<>(List.of("sh", home.resolve("bin").resolve("transferbench").toString()));
        command.addAll(arguments(pluginsDir, runFolder));
        return command;
    }

    private static List<String> arguments(Path pluginsDir, Path runFolder) {
        List<String> a = new ArrayList<>();
        if (pluginsDir != null) {
            a.add("--plugins-dir");
            a.add(pluginsDir.toAbsolutePath().toString());
        }
        a.add("resume");
        a.add(runFolder.toAbsolutePath().toString());
        return a;
    }

    /**
     * Runs the trial until it finishes, fails, or has died {@code retries + 1} times.
     *
     * @param where the host and executor, for attempts.jsonl and the messages
     * @param log   receives a line when an attempt died and the trial starts again
     */
    public static SweepFolder.TrialResult run(List<String> command, Map<String, String> environment, Path runFolder,
                                              int retries, String where, Consumer<String> log)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        int attempts = 0;
        while (true) {
            attempts++;
            Instant started = Instant.now();
            int exit = runOnce(command, environment, runFolder);
            record(runFolder, attempts, started, exit, where);
            String status = status(exit);
            if (!status.equals("died") || attempts > retries) {
                return new SweepFolder.TrialResult(status, attempts, (System.nanoTime() - start) / 1e9, where);
            }
            log.accept(runFolder.getFileName() + ": its process died (exit " + exit + ") on " + where
                    + "; starting it again from its checkpoint (attempt " + (attempts + 1) + " of " + (retries + 1) + ")");
        }
    }

    /** finished (0), failed (1: a stage failed), bad input (2), or died (killed, crashed: anything else). */
    static String status(int exit) {
        return switch (exit) {
            case 0 -> "finished";
            case 1 -> "failed";
            case 2 -> "bad input";
            default -> "died";
        };
    }

    private static int runOnce(List<String> command, Map<String, String> environment, Path runFolder)
            throws IOException, InterruptedException {
        File log = runFolder.resolve(LOG).toFile();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().putAll(environment);
        Process process = pb.start();
        // a sweep stopped with Ctrl-C takes its trials with it; they resume with the sweep
        Thread killer = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs
            }
        }
    }

    private static void record(Path runFolder, int attempt, Instant started, int exit, String where) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("attempt", attempt);
        n.put("started", started.toString());
        n.put("ended", Instant.now().toString());
        n.put("exit", exit);
        n.put("status", status(exit));
        n.put("where", where);
        Files.writeString(runFolder.resolve(ATTEMPTS), JSON.writeValueAsString(n) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** The last line of the trial's log that starts with "error:", if any: why it failed, in its own words. */
    public static java.util.Optional<String> lastError(Path runFolder) throws IOException {
        Path file = runFolder.resolve(LOG);
        if (!Files.isRegularFile(file)) {
            return java.util.Optional.empty();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("error: ")) {
                return java.util.Optional.of(lines.get(i));
            }
        }
        return java.util.Optional.empty();
    }

    /** The attempts recorded in a run folder, oldest first; none when it has never run in a sweep. */
    public static List<JsonNode> attempts(Path runFolder) throws IOException {
        Path file = runFolder.resolve(ATTEMPTS);
        List<JsonNode> out = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    try {
                        out.add(JSON.readTree(line));
                    } catch (IOException e) {
                        // a line cut by a kill: the attempt's other lines still count
                    }
                }
            }
        }
        return out;
    }
}
