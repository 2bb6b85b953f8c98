package io.transferbench.runtime.internal.stages;

import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.runtime.PluginJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A plugin that calls System.exit in the middle of a run: the process ends, but not without a word. */
class PluginExitIT {

    @TempDir
    Path dir;

    @Test
    void aPluginsSystemExitIsReportedWithTheStageAndTheResumeCommand() throws Exception {
        Path data = SquaresData.write(dir.resolve("data"));
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        String pkg = "org.rude";
        new PluginJar().source(pkg + ".Rule", "package " + pkg + ";\n"
                        + "import io.transferbench.api.*;\nimport io.transferbench.api.schedule.*;\n"
                        + "public final class Rule implements AdjustmentRuleFactory {\n"
                        + "  public String id() { return \"quit\"; }\n"
                        + "  public String description() { return \"Ends the process.\"; }\n"
                        + "  public AdjustmentRule create(ComponentParameters p) { return c -> { System.exit(3); return 0; }; }\n"
                        + "}\n")
                .service(AdjustmentRuleFactory.class, pkg + ".Rule").writeTo(plugins.resolve("rude.jar"));
        Path descriptor = Files.writeString(dir.resolve("exit.yaml"), String.join("\n",
                "name: rude",
                "output: " + dir.resolve("runs"),
                "tasks:",
                "  a: {dataset: fashion-mnist, path: " + data + ", classes: [0, 1, 2, 3, 4]}",
                "  b: {dataset: fashion-mnist, path: " + data + ", classes: [5, 6, 7, 8, 9]}",
                "networks: {x: {model: small-cnn, task: a}, y: {model: small-cnn, task: b}}",
                "stages:",
                "  - {name: trade, type: online-transfer, networks: [x, y], epochs: 3, batch-size: 32,"
                        + " frequency: {initial: 1, rule: quit}}",
                ""));
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> path = new ArrayList<>();
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                path.add(value);
            }
        }
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(java, "-cp", String.join(File.pathSeparator, path),
                "-Dorg.eclipse.deeplearning4j.helpers.disable=false", "-Dguice_bytecode_gen_option=DISABLED",
                "io.transferbench.runtime.Main", "--plugins-dir", plugins.toString(), "-q", "run", descriptor.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(child.waitFor(4, TimeUnit.MINUTES), "the child ended");
        String output = Files.readString(log);
        assertEquals(3, child.exitValue(), output);
        assertTrue(output.contains("transferbench: the process is ending while stage 'trade' of "), output);
        assertTrue(output.contains("the run folder keeps its last checkpoint: transferbench resume "), output);
    }
}
