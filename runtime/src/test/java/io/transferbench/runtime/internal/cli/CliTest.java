package io.transferbench.runtime.internal.cli;

import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.runtime.PluginJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {

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

    private Path descriptor(String rule) throws IOException {
        return Files.writeString(dir.resolve("pipeline.yaml"), String.join("\n",
                "name: cli",
                "tasks:",
                "  t1: {dataset: fashion-mnist, classes: [0, 1]}",
                "  t2: {dataset: fashion-mnist, classes: [2, 3]}",
                "networks:",
                "  a: {model: small-cnn, task: t1}",
                "  b: {model: small-cnn, task: t2}",
                "stages:",
                "  - type: online-transfer",
                "    networks: [a, b]",
                "    epochs: 6",
                "    frequency: {initial: 2, rule: " + rule + "}",
                ""));
    }

    @Test
    void versionAndHelp() {
        Result version = run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("transferbench "), version.out());
        Result help = run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("validate") && help.out().contains("plugins") && help.out().contains("run"), help.out());
    }

    @Test
    void unknownOptionIsBadInput() {
        assertEquals(2, run("--no-such-option").exitCode());
    }

    @Test
    void aMistypedCommandGetsTheNearestOne() {
        for (String[] typo : new String[][] {{"rnu", "run"}, {"valdiate", "validate"}, {"comapre", "compare"},
                {"plugin", "plugins"}, {"new-plugn", "new-plugin"}}) {
            Result r = run(typo[0], "x");
            assertEquals(2, r.exitCode(), typo[0]);
            assertTrue(r.err().contains("unknown command '" + typo[0] + "'; did you mean '" + typo[1] + "'?"), r.err());
        }
        Result far = run("frobnicate");
        assertEquals(2, far.exitCode());
        assertTrue(far.err().contains("unknown command 'frobnicate'") && !far.err().contains("did you mean"), far.err());
    }

    @Test
    void badDescriptorExitsTwoWithALocatedMessageAndNoStackTrace() throws IOException {
        Path d = descriptor("rule-42");
        Result r = run("--plugins-dir", dir.resolve("none").toString(), "validate", d.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains(d + ":12:35: stages[0].frequency.rule: unknown adjustment rule 'rule-42'"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void missingDescriptorFileExitsTwo() {
        Result r = run("validate", dir.resolve("absent.yaml").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("the descriptor file does not exist"), r.err());
    }

    @Test
    void droppedInRuleJarIsListedAndUsableInADescriptor() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        new PluginJar()
                .source("org.lab.HalvingRule", PluginJar.ruleSource("org.lab", "HalvingRule", "halving", ""))
                .moduleInfo("module org.lab.rules { requires io.transferbench.api; "
                        + "provides io.transferbench.api.schedule.AdjustmentRuleFactory with org.lab.HalvingRule; }")
                .service(AdjustmentRuleFactory.class, "org.lab.HalvingRule")
                .writeTo(plugins.resolve("lab-rules.jar"));

        Result listed = run("--plugins-dir", plugins.toString(), "plugins");
        assertEquals(0, listed.exitCode(), listed.err());
        assertTrue(listed.out().lines().anyMatch(l -> l.contains("adjustment rule") && l.contains("halving")
                && l.contains("org.lab.rules") && l.contains("lab-rules.jar")), listed.out());
        assertTrue(listed.out().lines().anyMatch(l -> l.contains("rule-5")), "built-ins are listed too");

        Result valid = run("--plugins-dir", plugins.toString(), "validate", "--no-data", "--explain", descriptor("halving").toString());
        assertEquals(0, valid.exitCode(), valid.err());
        assertTrue(valid.out().contains("frequency.rule: adjustment rule halving from " + plugins.resolve("lab-rules.jar")
                + " (module org.lab.rules, plugin layer)"), valid.out());
        assertTrue(valid.out().contains("learning-rate: 0.01"), "defaults are filled in: " + valid.out());
    }

    @Test
    void validateReadsTheDataUnlessToldNot() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("no-data-here"));
        Path d = Files.writeString(dir.resolve("data.yaml"), Files.readString(descriptor("rule-1"))
                .replace("{dataset: fashion-mnist, classes: [0, 1]}", "{dataset: fashion-mnist, path: " + empty
                        + ", classes: [0, 1]}"));
        Result r = run("--plugins-dir", dir.resolve("none").toString(), "validate", d.toString());
        assertEquals(2, r.exitCode(), r.out());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(empty.toString()), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        Result skipped = run("--plugins-dir", dir.resolve("none").toString(), "validate", "--no-data", d.toString());
        assertEquals(0, skipped.exitCode(), skipped.err());
    }

    @Test
    void overridesOnTheCommandLineAreValidatedAndNamed() throws IOException {
        Path d = descriptor("rule-1");
        Result ok = run("--plugins-dir", dir.resolve("none").toString(), "validate", "--no-data", "--explain", d.toString(),
                "stages[0].epochs=4", "seed=5");
        assertEquals(0, ok.exitCode(), ok.err());
        assertTrue(ok.out().contains("epochs: 4") && ok.out().contains("seed: 5"), ok.out());
        Result bad = run("--plugins-dir", dir.resolve("none").toString(), "validate", "--no-data", d.toString(),
                "stages[0].epochs=many");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("error: override 'stages[0].epochs=many':1:1: stages[0].epochs: expected an integer"),
                bad.err());
    }

    @Test
    void everySubcommandsHelpExitsZero() {
        for (String command : new String[] {"run", "resume", "runs", "report", "compare", "validate", "plugins", "benchmark"}) {
            Result r = run(command, "--help");
            assertEquals(0, r.exitCode(), command + ": " + r.err());
            assertTrue(r.out().contains("Usage: transferbench " + command), r.out());
        }
    }

    @Test
    void theVersionNamesTheEngine() {
        Result r = run("--version");
        assertTrue(r.out().contains("Deeplearning4j and ND4J 1.0.0-M2.1, backend nd4j-native"), r.out());
    }

    @Test
    void quietWorksAfterTheSubcommandToo() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("noisy-plugins"));
        new PluginJar().source("org.quiet.Nothing", "package org.quiet; public final class Nothing { }")
                .writeTo(plugins.resolve("nothing.jar"));
        Path d = descriptor("rule-1");
        Result loud = run("--plugins-dir", plugins.toString(), "validate", "--no-data", d.toString());
        assertTrue(loud.err().contains("contributes no component"), loud.err());
        Result quiet = run("--plugins-dir", plugins.toString(), "validate", "-q", "--no-data", d.toString());
        assertEquals(0, quiet.exitCode(), quiet.err());
        assertFalse(quiet.err().contains("contributes no component"), "-q after the subcommand: " + quiet.err());
    }

    @Test
    void pluginParametersShowTheirRanges() {
        Result r = run("--plugins-dir", dir.resolve("none").toString(), "plugins", "--parameters");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("- images (an integer >= 1, default 256): Training images the ranks are averaged over."),
                r.out());
    }
}
