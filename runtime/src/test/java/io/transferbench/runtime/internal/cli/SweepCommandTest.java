package io.transferbench.runtime.internal.cli;

import io.transferbench.runtime.internal.data.DataFiles;
import io.transferbench.runtime.internal.sweep.SweepFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweep set-ups that cannot work are refused before anything is written; a damaged sweep plan is named. */
class SweepCommandTest {

    @TempDir
    Path dir;

    record Result(int exitCode, String out, String err) {
    }

    private Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TransferbenchCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private Path sweepDescriptor() throws IOException {
        DataFiles.mnistFolder(dir.resolve("data"), 40, 28, true);
        return Files.writeString(dir.resolve("sweep.yaml"), String.join("\n",
                "name: swept",
                "output: " + dir.resolve("runs"),
                "tasks:",
                "  t1: {dataset: fashion-mnist, path: '" + dir.resolve("data") + "', classes: [0, 1]}",
                "networks:",
                "  a: {model: small-cnn, task: t1}",
                "stages:",
                "  - {type: pretrain, network: a, epochs: 1}",
                "sweep:",
                "  grid:",
                "    stages[0].epochs: [1, 2]",
                ""));
    }

    private long folders(Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.count();
        }
    }

    @Test
    void anUnknownExecutorIsBadInputAndWritesNothing() throws IOException {
        Result r = run("run", sweepDescriptor().toString(), "--executor", "slurm");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("--executor: expected local or spark, found 'slurm'"), r.err());
        assertEquals(0, folders(dir.resolve("runs")));
        Result master = run("run", sweepDescriptor().toString(), "--executor", "spark", "--master", "foo://bar");
        assertEquals(2, master.exitCode());
        assertTrue(master.err().contains("--master: expected local[*], local[N], spark://host:port"), master.err());
        assertEquals(0, folders(dir.resolve("runs")));
        Result zero = run("run", sweepDescriptor().toString(), "--parallel", "0");
        assertEquals(2, zero.exitCode());
        assertTrue(zero.err().contains("--parallel: expected a whole number >= 1, found 0"), zero.err());
    }

    @Test
    void sparkOutsideTheDistributionIsRefusedWithWhatWouldWork() throws IOException {
        String before = System.getProperty("transferbench.home");
        System.clearProperty("transferbench.home");
        try {
            Result r = run("run", sweepDescriptor().toString(), "--executor", "spark");
            assertEquals(2, r.exitCode(), r.out() + r.err());
            assertTrue(r.err().contains("runs from the distribution") && r.err().contains("use --executor local"), r.err());
            assertEquals(0, folders(dir.resolve("runs")), "nothing written");
            System.setProperty("transferbench.home", dir.resolve("no-spark").toString());
            Result missing = run("run", sweepDescriptor().toString(), "--executor", "spark");
            assertEquals(2, missing.exitCode());
            assertTrue(missing.err().contains("the Spark executor is not installed: " + dir.resolve("no-spark/lib/spark")),
                    missing.err());
        } finally {
            if (before == null) {
                System.clearProperty("transferbench.home");
            } else {
                System.setProperty("transferbench.home", before);
            }
        }
    }

    @Test
    void aDamagedSweepPlanIsNamedAndLeftAsItWas() throws IOException {
        Path sweep = Files.createDirectories(dir.resolve("sweep"));
        String damaged = "{\"name\": \"s\", \"executor\": {\"type\": \"local\", \"parallel\": 0, \"threadsPerTrial\": 1, "
                + "\"retries\": 2}, \"trials\": []}";
        Files.writeString(sweep.resolve(SweepFolder.FILE), damaged);
        Result r = run("resume", sweep.toString());
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains(sweep.resolve(SweepFolder.FILE) + ": field 'executor.parallel' is 0, expected a whole "
                + "number >= 1"), r.err());
        assertEquals(damaged, Files.readString(sweep.resolve(SweepFolder.FILE)));
        Files.writeString(sweep.resolve(SweepFolder.FILE), "{\"name\": \"s\", \"executor\": {\"parallel\": 1, "
                + "\"threadsPerTrial\": 1, \"retries\": 0}, \"trials\": [{\"folder\": \"../elsewhere\", \"configuration\": 1, "
                + "\"trial\": 1}]}");
        Result escape = run("resume", sweep.toString());
        assertEquals(2, escape.exitCode());
        assertTrue(escape.err().contains("trials[0] needs 'folder' (a folder name inside the sweep folder)"), escape.err());
    }

    @Test
    void theSummaryCountsAttemptsFromEachTrialsOwnFolder() throws IOException {
        Path sweep = Files.createDirectories(dir.resolve("sweep"));
        Files.writeString(sweep.resolve(SweepFolder.FILE), "{\"name\": \"s\", \"executor\": {\"type\": \"local\", "
                + "\"parallel\": 2, \"threadsPerTrial\": 1, \"retries\": 2}, \"trials\": ["
                + "{\"folder\": \"s-1-trial-1\", \"configuration\": 1, \"values\": \"stages[0].epochs=1 seed=3\", \"trial\": 1},"
                + "{\"folder\": \"s-2-trial-1\", \"configuration\": 2, \"values\": \"stages[0].epochs=2 seed=3\", \"trial\": 1}]}");
        Path died = Files.createDirectories(sweep.resolve("s-1-trial-1"));
        Files.writeString(died.resolve("attempts.jsonl"),
                "{\"attempt\":1,\"started\":\"2026-12-02T10:00:00Z\",\"ended\":\"2026-12-02T10:00:30Z\",\"exit\":137,\"status\":\"died\",\"where\":\"local\"}\n"
                + "{\"attempt\":2,\"started\":\"2026-12-02T10:01:00Z\",\"ended\":\"2026-12-02T10:01:15Z\",\"exit\":137,\"status\":\"died\",\"where\":\"local\"}\n");
        SweepFolder s = SweepFolder.read(sweep);
        assertEquals(2, s.unfinished().size());
        SweepFolder.TrialResult r = s.result(s.trials().get(0));
        assertEquals("died", r.status());
        assertEquals(2, r.attempts());
        assertEquals(45.0, r.seconds(), 1e-9);
        assertEquals("not run", s.result(s.trials().get(1)).status());
        s.writeSummary();
        List<String> rows = Files.readAllLines(sweep.resolve(SweepFolder.SUMMARY));
        assertEquals("s-1-trial-1,1,stages[0].epochs=1 seed=3,1,died,2,45.0,local,,,,", rows.get(1));
        assertEquals("s-2-trial-1,2,stages[0].epochs=2 seed=3,1,not run,0,0.0,,,,,", rows.get(2));
        assertFalse(Files.exists(sweep.resolve(SweepFolder.SUMMARY + ".tmp")));
    }
}
