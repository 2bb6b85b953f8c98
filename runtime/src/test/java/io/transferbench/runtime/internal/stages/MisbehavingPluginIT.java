package io.transferbench.runtime.internal.stages;

import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.runtime.PluginJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plugins that fail or call System.exit mid-run, in a child JVM with the distribution's logging: one line each on the terminal. */
class MisbehavingPluginIT {

    @TempDir
    Path dir;

    /** A rule plugin whose adjust() runs {@code body}, a two-network descriptor using it, run in a child JVM. */
    private Result runChild(String body) throws Exception {
        Path data = SquaresData.write(dir.resolve("data"));
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        String pkg = "org.rude";
        new PluginJar().source(pkg + ".Rule", "package " + pkg + ";\n"
                        + "import io.transferbench.api.*;\nimport io.transferbench.api.schedule.*;\n"
                        + "public final class Rule implements AdjustmentRuleFactory {\n"
                        + "  public String id() { return \"rude\"; }\n"
                        + "  public String description() { return \"Misbehaves.\"; }\n"
                        + "  public AdjustmentRule create(ComponentParameters p) { return c -> { " + body + " }; }\n"
                        + "}\n")
                .service(AdjustmentRuleFactory.class, pkg + ".Rule").writeTo(plugins.resolve("rude.jar"));
        Path descriptor = Files.writeString(dir.resolve("rude.yaml"), String.join("\n",
                "name: rude",
                "output: " + dir.resolve("runs"),
                "tasks:",
                "  a: {dataset: fashion-mnist, path: " + data + ", classes: [0, 1, 2, 3, 4]}",
                "  b: {dataset: fashion-mnist, path: " + data + ", classes: [5, 6, 7, 8, 9]}",
                "networks: {x: {model: small-cnn, task: a}, y: {model: small-cnn, task: b}}",
                "stages:",
                "  - {name: trade, type: online-transfer, networks: [x, y], epochs: 3, batch-size: 32,"
                        + " frequency: {initial: 1, rule: rude}}",
                ""));
        // the distribution's logging configuration, as a user's terminal gets it
        Path conf = Path.of("..").toAbsolutePath().normalize().resolve("distribution/src/conf/log4j2.xml");
        Process child = ChildJvm.start(dir.resolve("child.log"), List.of("-Dlog4j2.configurationFile=" + conf),
                "--plugins-dir", plugins.toString(), "-q", "run", descriptor.toString());
        assertTrue(child.waitFor(4, TimeUnit.MINUTES), "the child ended");
        Path runs = dir.resolve("runs");
        Path run;
        try (java.util.stream.Stream<Path> s = Files.list(runs)) {
            run = s.findFirst().orElseThrow();
        }
        return new Result(child.exitValue(), Files.readString(dir.resolve("child.log")), run);
    }

    private record Result(int exitCode, String output, Path run) {
    }

    @Test
    void aFailingPluginIsOneLineOnTheTerminalAndATraceInTheRunsLog() throws Exception {
        Result r = runChild("if (true) throw new IllegalStateException(\"rude rule\"); return 0;");
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("error: stage 'trade' failed: the adjustment rule 'rude' from "), r.output());
        assertTrue(r.output().contains("failed in adjust(): java.lang.IllegalStateException: rude rule"), r.output());
        assertTrue(!r.output().contains("\tat "), "no stack trace on the terminal:\n" + r.output());
        assertTrue(Files.readString(r.run().resolve("log.txt")).contains("\tat "), "the trace is in log.txt");
    }

    @Test
    void aPluginsSystemExitIsReportedWithTheStageAndTheResumeCommand() throws Exception {
        Result r = runChild("System.exit(3); return 0;");
        assertEquals(3, r.exitCode(), r.output());
        assertTrue(r.output().contains("transferbench: the process is ending while stage 'trade' of "), r.output());
        assertTrue(r.output().contains("the run folder keeps its last checkpoint: transferbench resume "), r.output());
    }
}
