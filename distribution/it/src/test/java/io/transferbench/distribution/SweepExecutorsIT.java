package io.transferbench.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.transferbench.runtime.internal.stages.SquaresData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One small sweep (2 combinations x 2 trials) through the distribution's launcher on the local executor,
 * on Spark embedded and on a Spark standalone master and worker started here on loopback: every trial's
 * events and metrics, times aside, are identical. And a trial killed mid-way is started again, resumes
 * from its checkpoint and ends with the same numbers.
 */
class SweepExecutorsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of(System.getProperty("transferbench.distribution"));

    @TempDir
    static Path dir;
    private static Path data;
    private static Path localSweep;
    private static final List<Process> servers = new ArrayList<>();

    @BeforeAll
    static void referenceOnTheLocalExecutor() throws Exception {
        data = SquaresData.write(dir.resolve("data"));
        Result r = transferbench(dir.resolve("local.log"), Map.of(), "run", descriptor().toString(),
                "output=" + dir.resolve("local"), "--executor", "local");
        assertEquals(0, r.exit(), r.output());
        localSweep = onlySweep(dir.resolve("local"));
        assertEquals(4, trials(localSweep).size(), r.output());
        JsonNode started = JSON.readTree(Files.readAllLines(localSweep.resolve("executors-2-trial-1/events.jsonl")).get(0));
        assertEquals("stages[0].frequency.rule=rule-1", started.path("configuration").asText(),
                "a trial runs as its combination: " + started);
        String comparison = Files.readString(localSweep.resolve("comparison.csv"));
        assertTrue(comparison.contains("executors [stages[0].frequency.rule=none],transfer,a,2,")
                && comparison.contains("executors [stages[0].frequency.rule=rule-1],transfer,a,2,"),
                "the sweep's comparison groups its trials by the swept values: " + comparison);
    }

    @AfterAll
    static void stopServers() {
        servers.forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        });
    }

    private static Path descriptor() throws IOException {
        Path file = dir.resolve("sweep.yaml");
        if (!Files.exists(file)) {
            Files.writeString(file, String.join("\n",
                    "name: executors",
                    "seed: 11",
                    "tasks:",
                    "  first:  {dataset: fashion-mnist, path: '" + data + "', classes: [0, 1, 2, 3, 4], train-per-class: 30, eval-per-class: 10}",
                    "  second: {dataset: fashion-mnist, path: '" + data + "', classes: [5, 6, 7, 8, 9], train-per-class: 30, eval-per-class: 10}",
                    "networks:",
                    "  a: {model: small-cnn, task: first}",
                    "  b: {model: small-cnn, task: second}",
                    "stages:",
                    "  - {name: transfer, type: online-transfer, networks: [a, b], epochs: 4, batch-size: 25, importance: l1,",
                    "     checkpoint-every: 1, frequency: {initial: 1}, ratio: {initial: 10}}",
                    "sweep:",
                    "  grid:",
                    "    stages[0].frequency.rule: [none, rule-1]",
                    "  trials: 2",
                    ""));
        }
        return file;
    }

    @Test
    void sparkEmbeddedAndStandaloneGiveTheLocalExecutorsNumbers() throws Exception {
        Result embedded = transferbench(dir.resolve("embedded.log"), Map.of(), "run", descriptor().toString(),
                "output=" + dir.resolve("embedded"), "--executor", "spark");
        assertEquals(0, embedded.exit(), embedded.output());
        assertSameTrials(localSweep, onlySweep(dir.resolve("embedded")));

        String master = startStandaloneCluster();
        Result standalone = transferbench(dir.resolve("standalone.log"), Map.of("SPARK_LOCAL_IP", "127.0.0.1"), "run",
                descriptor().toString(), "output=" + dir.resolve("standalone"), "--executor", "spark", "--master", master);
        assertEquals(0, standalone.exit(), standalone.output());
        Path sweep = onlySweep(dir.resolve("standalone"));
        assertSameTrials(localSweep, sweep);
        for (Path trial : trials(sweep)) {
            String attempts = Files.readString(trial.resolve("attempts.jsonl"));
            assertTrue(attempts.contains("executor 0") || attempts.contains("executor 1"),
                    "ran on a standalone worker's executor, not in the driver: " + attempts);
        }
    }

    @Test
    void aKilledTrialIsStartedAgainAndEndsWithTheSameNumbers() throws Exception {
        killOneTrialDuring("local", "starting it again from its checkpoint");
    }

    @Test
    void aKilledTrialOnSparkIsRetriedByItsTaskAndEndsWithTheSameNumbers() throws Exception {
        killOneTrialDuring("spark", "its task failed");
    }

    @Test
    void aWholeSweepKilledMidWayResumesOnlyItsUnfinishedTrials() throws Exception {
        Path output = dir.resolve("interrupted");
        Path log = dir.resolve("interrupted.log");
        Process sweep = start(log, Map.of(), "run", descriptor().toString(), "output=" + output, "--parallel", "1");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        boolean checkpointed = false;
        while (!checkpointed && System.nanoTime() < deadline && sweep.isAlive()) {
            Thread.sleep(50);
            Path events = findTrial(output, "executors-1-trial-2").map(p -> p.resolve("events.jsonl")).orElse(null);
            checkpointed = events != null && Files.exists(events) && Files.readString(events).contains("\"CheckpointWritten\"");
        }
        assertTrue(checkpointed, Files.readString(log));
        sweep.descendants().forEach(ProcessHandle::destroyForcibly); // the machine went down: every process at once
        sweep.destroyForcibly();
        sweep.waitFor(30, TimeUnit.SECONDS);
        Path interrupted = onlySweep(output);
        assertEquals(1, Files.readAllLines(interrupted.resolve("executors-1-trial-1/attempts.jsonl")).size());

        Result resumed = transferbench(dir.resolve("resumed.log"), Map.of(), "resume", interrupted.toString());
        assertEquals(0, resumed.exit(), resumed.output());
        assertTrue(resumed.output().contains("3 trial(s) to run of 4"), "the finished trial is skipped: " + resumed.output());
        assertEquals(1, Files.readAllLines(interrupted.resolve("executors-1-trial-1/attempts.jsonl")).size(),
                "the finished trial did not run again");
        assertTrue(Files.readString(interrupted.resolve("executors-1-trial-2/events.jsonl")).contains("\"RunResumed\""));
        assertSameTrials(localSweep, interrupted);
    }

    /** Kills the second trial's JVM after its first checkpoint; the sweep must still end with the reference numbers. */
    private void killOneTrialDuring(String executor, String retryMessage) throws Exception {
        Path output = dir.resolve("killed-" + executor);
        Path log = dir.resolve("killed-" + executor + ".log");
        Process sweep = start(log, Map.of(), "run", descriptor().toString(), "output=" + output, "--executor", executor,
                "--parallel", "1");
        ProcessHandle victim = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (victim == null && System.nanoTime() < deadline && sweep.isAlive()) {
            Thread.sleep(50);
            Path events = findTrial(output, "executors-1-trial-2").map(p -> p.resolve("events.jsonl")).orElse(null);
            if (events != null && Files.exists(events) && Files.readString(events).contains("\"CheckpointWritten\"")) {
                victim = sweep.descendants().filter(p -> p.info().arguments().map(a -> a.length > 1
                        && a[a.length - 2].equals("resume") && a[a.length - 1].endsWith("executors-1-trial-2"))
                        .orElse(false)).findFirst().orElse(null);
            }
        }
        assertTrue(victim != null, "the second trial's process was found after its first checkpoint: " + Files.readString(log));
        victim.destroyForcibly();
        assertTrue(sweep.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, sweep.exitValue(), Files.readString(log));
        Path killedSweep = onlySweep(output);
        Path trial = killedSweep.resolve("executors-1-trial-2");
        List<String> attempts = Files.readAllLines(trial.resolve("attempts.jsonl"));
        assertEquals(2, attempts.size(), "killed once, then finished: " + attempts);
        assertEquals("died", JSON.readTree(attempts.get(0)).path("status").asText());
        assertEquals("finished", JSON.readTree(attempts.get(1)).path("status").asText());
        assertTrue(Files.readString(log).contains(retryMessage), Files.readString(log));
        assertTrue(Files.readString(trial.resolve("events.jsonl")).contains("\"RunResumed\""), "it resumed, not restarted");
        assertSameTrials(localSweep, killedSweep);
        String summary = Files.readString(killedSweep.resolve("sweep-summary.csv"));
        assertTrue(summary.contains("executors-1-trial-2,1,stages[0].frequency.rule=none,2,finished,2,"), summary);
    }

    // ------------------------------------------------------------------ helpers

    /** A master and a worker (2 cores) on loopback, Spark from the distribution's lib/spark/ with our Jackson and Log4j. */
    private static String startStandaloneCluster() throws Exception {
        Path sparkHome = dir.resolve("spark-home");
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        try (Stream<Path> spark = Files.list(HOME.resolve("lib/spark")); Stream<Path> modules = Files.list(HOME.resolve("lib/modules"))) {
            // a cluster's own Spark: without our adapter, which the driver ships with the application
            for (Path jar : Stream.concat(spark.filter(p -> !p.getFileName().toString().startsWith("transferbench-")), modules.filter(p -> p.getFileName().toString().matches(
                    "(jackson-(core|databind|annotations)|log4j-(api|core))-.*\\.jar"))).toList()) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
            }
        }
        int port = freePort();
        String master = "spark://127.0.0.1:" + port;
        servers.add(sparkDaemon(sparkHome, dir.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort())));
        waitForLine(dir.resolve("master.log"), "I have been elected leader");
        servers.add(sparkDaemon(sparkHome, dir.resolve("worker.log"), "org.apache.spark.deploy.worker.Worker",
                "--host", "127.0.0.1", "--cores", "2", "--memory", "4g", "--webui-port", String.valueOf(freePort()),
                "--work-dir", dir.resolve("work").toString(), master));
        waitForLine(dir.resolve("worker.log"), "Successfully registered with master");
        return master;
    }

    private static Process sparkDaemon(Path sparkHome, Path log, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx512m"));
        for (String open : List.of("java.base/java.lang", "java.base/java.lang.invoke", "java.base/java.lang.reflect",
                "java.base/java.io", "java.base/java.net", "java.base/java.nio", "java.base/java.util",
                "java.base/java.util.concurrent", "java.base/java.util.concurrent.atomic", "java.base/jdk.internal.ref",
                "java.base/sun.nio.ch", "java.base/sun.nio.cs", "java.base/sun.security.action",
                "java.base/sun.util.calendar")) {
            command.add("--add-opens=" + open + "=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", sparkHome.resolve("jars") + File.separator + "*", main));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", sparkHome.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_SCALA_VERSION", "2.13"); // else the worker looks for a source build
        return pb.start();
    }

    private static void waitForLine(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no '" + text + "' in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    record Result(int exit, String output) {
    }

    private static Result transferbench(Path log, Map<String, String> env, String... args) throws Exception {
        Process p = start(log, env, args);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "finished in time");
        return new Result(p.exitValue(), Files.readString(log));
    }

    private static Process start(Path log, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", HOME.resolve("bin/transferbench").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("TRANSFERBENCH_JAVA_OPTS", "-Xmx1g");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Path onlySweep(Path output) throws IOException {
        try (Stream<Path> s = Files.list(output)) {
            List<Path> all = s.filter(Files::isDirectory).toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private static java.util.Optional<Path> findTrial(Path output, String name) throws IOException {
        if (!Files.isDirectory(output)) {
            return java.util.Optional.empty();
        }
        try (Stream<Path> s = Files.list(output)) {
            return s.map(p -> p.resolve(name)).filter(Files::isDirectory).findFirst();
        }
    }

    private static List<Path> trials(Path sweep) throws IOException {
        try (Stream<Path> s = Files.list(sweep)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("events.jsonl"))).sorted().toList();
        }
    }

    private static void assertSameTrials(Path expected, Path actual) throws IOException {
        List<String> names = trials(expected).stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(names, trials(actual).stream().map(p -> p.getFileName().toString()).toList());
        for (String name : names) {
            assertEquals(events(expected.resolve(name)), events(actual.resolve(name)), name + ": events, times aside");
            assertEquals(metrics(expected.resolve(name)), metrics(actual.resolve(name)), name + ": metrics.csv, times aside");
        }
    }

    /** Every event with its times and durations removed; a resumption's own event left out. */
    private static List<String> events(Path run) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("events.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.path("type").asText().equals("RunResumed")) {
                continue;
            }
            withoutTimes(n);
            out.add(JSON.writeValueAsString(new TreeMap<>(JSON.convertValue(n, Map.class))));
        }
        assertTrue(out.size() > 10, run + " holds a run's events");
        return out;
    }

    private static void withoutTimes(JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                String lower = field.toLowerCase(java.util.Locale.ROOT);
                if (lower.equals("time") || lower.contains("seconds")) {
                    it.remove();
                } else {
                    withoutTimes(o.get(field));
                }
            }
        } else if (n != null && n.isArray()) {
            n.forEach(SweepExecutorsIT::withoutTimes);
        }
    }

    private static List<String> metrics(Path run) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("metrics.csv")).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
        assertTrue(lines.size() > 4, run + " holds metrics");
        return lines;
    }
}
