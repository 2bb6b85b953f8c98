package io.transferbench.runtime.internal.plugins;

import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.runtime.PluginJar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginLoaderTest {

    @TempDir
    Path plugins;

    private ComponentRegistry load() {
        return new PluginLoader().load(Optional.of(plugins), false);
    }

    private static String problems(ComponentRegistry r) {
        return r.problems().stream().map(PluginProblem::toString).collect(Collectors.joining("\n"));
    }

    private Path modularRule(String jarName, String module, String id) throws IOException {
        String pkg = module;
        return new PluginJar()
                .source(pkg + ".MyRule", PluginJar.ruleSource(pkg, "MyRule", id, ""))
                .moduleInfo("module " + module + " { requires io.transferbench.api; "
                        + "provides io.transferbench.api.schedule.AdjustmentRuleFactory with " + pkg + ".MyRule; }")
                .service(AdjustmentRuleFactory.class, pkg + ".MyRule")
                .writeTo(plugins.resolve(jarName));
    }

    private Path plainRule(String jarName, String pkg, String id) throws IOException {
        return new PluginJar()
                .source(pkg + ".PlainRule", PluginJar.ruleSource(pkg, "PlainRule", id, ""))
                .service(AdjustmentRuleFactory.class, pkg + ".PlainRule")
                .version("2.3.4")
                .writeTo(plugins.resolve(jarName));
    }

    @Test
    void modularJarLoadsInItsOwnLayer() throws IOException {
        Path jar = modularRule("my-rules.jar", "org.example.rules", "rule-6");
        ComponentRegistry r = load();
        DiscoveredComponent c = r.find(ComponentKind.ADJUSTMENT_RULE, "rule-6").orElseThrow(() -> new AssertionError(problems(r)));
        assertEquals(Optional.of("org.example.rules"), c.source().module());
        assertEquals("plugin layer", c.source().loading());
        assertEquals(jar, c.source().location());
        assertTrue(c.factory().getClass().getModule().getLayer() != ModuleLayer.boot());
        assertTrue(r.problems().isEmpty(), problems(r));
    }

    @Test
    void plainJarWithOnlyServicesFileLoadsAsAutomaticModule() throws IOException {
        plainRule("plain-rule.jar", "org.example.plain", "rule-7");
        ComponentRegistry r = load();
        DiscoveredComponent c = r.find(ComponentKind.ADJUSTMENT_RULE, "rule-7").orElseThrow(() -> new AssertionError(problems(r)));
        assertEquals(Optional.of("plain.rule"), c.source().module());
        assertEquals(Optional.of("2.3.4"), c.source().version());
    }

    @Test
    void jarThatCannotBeAModuleFallsBackToAClassLoader() throws IOException {
        // "1st" cannot start a module name, so no automatic module can be derived from the file name.
        plainRule("1st.jar", "org.example.odd", "rule-8");
        ComponentRegistry r = load();
        DiscoveredComponent c = r.find(ComponentKind.ADJUSTMENT_RULE, "rule-8").orElseThrow(() -> new AssertionError(problems(r)));
        assertEquals("class loader", c.source().loading());
        assertEquals(Optional.empty(), c.source().module());
    }

    @Test
    void duplicateIdRejectsBothAndNamesBothJars() throws IOException {
        modularRule("a-rules.jar", "org.example.a", "rule-9");
        plainRule("b-rules.jar", "org.example.b", "rule-9");
        plainRule("c-rules.jar", "org.example.c", "rule-10");
        ComponentRegistry r = load();
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "rule-9").isEmpty());
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "rule-10").isPresent(), "the other plugin still loads");
        String message = problems(r);
        assertTrue(message.contains("duplicate adjustment rule id 'rule-9'"), message);
        assertTrue(message.contains("a-rules.jar") && message.contains("b-rules.jar"), message);
        assertTrue(r.whyUnavailable(ComponentKind.ADJUSTMENT_RULE, "rule-9").isPresent());
    }

    @Test
    void jarBundlingTheApiIsRejected() throws IOException {
        new PluginJar()
                .source("org.example.fat.FatRule", PluginJar.ruleSource("org.example.fat", "FatRule", "fat", ""))
                .service(AdjustmentRuleFactory.class, "org.example.fat.FatRule")
                .entry("io/transferbench/api/ComponentFactory.class", Files.readAllBytes(apiClassFile()))
                .writeTo(plugins.resolve("fat.jar"));
        plainRule("good.jar", "org.example.good", "good");
        ComponentRegistry r = load();
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "fat").isEmpty());
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "good").isPresent());
        assertTrue(problems(r).contains("fat.jar: rejected: it bundles the Transferbench API"), problems(r));
    }

    @Test
    void jarBundlingNd4jIsRejected() throws IOException {
        new PluginJar()
                .source("org.example.n.PlainRule", PluginJar.ruleSource("org.example.n", "PlainRule", "n", ""))
                .service(AdjustmentRuleFactory.class, "org.example.n.PlainRule")
                .entry("org/nd4j/linalg/factory/Nd4j.class", new byte[] {(byte) 0xCA, (byte) 0xFE})
                .writeTo(plugins.resolve("nd4j-inside.jar"));
        ComponentRegistry r = load();
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "n").isEmpty());
        assertTrue(problems(r).contains("bundles ND4J"), problems(r));
    }

    @Test
    void throwingConstructorIsReportedAndTheOtherProviderLoads() throws IOException {
        String pkg = "org.example.boom";
        new PluginJar()
                .source(pkg + ".Boom", PluginJar.ruleSource(pkg, "Boom", "boom", "if (true) throw new IllegalStateException(\"no licence\");"))
                .source(pkg + ".Fine", PluginJar.ruleSource(pkg, "Fine", "fine", ""))
                .moduleInfo("module org.example.boom { requires io.transferbench.api; "
                        + "provides io.transferbench.api.schedule.AdjustmentRuleFactory with " + pkg + ".Boom, " + pkg + ".Fine; }")
                .writeTo(plugins.resolve("boom.jar"));
        ComponentRegistry r = load();
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "fine").isPresent(), problems(r));
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "boom").isEmpty());
        String message = problems(r);
        assertTrue(message.contains("org.example.boom.Boom could not be created"), message);
        assertTrue(message.contains("no licence"), message);
    }

    @Test
    void missingProviderClassIsReportedAndTheOtherProviderLoads() throws IOException {
        String pkg = "org.example.gone";
        new PluginJar()
                .source(pkg + ".Present", PluginJar.ruleSource(pkg, "Present", "present", ""))
                .service(AdjustmentRuleFactory.class, pkg + ".Missing", pkg + ".Present")
                .writeTo(plugins.resolve("gone.jar"));
        ComponentRegistry r = load();
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "present").isPresent(), problems(r));
        String message = problems(r);
        assertTrue(message.contains("gone.jar") && message.contains("org.example.gone.Missing"), message);
    }

    @Test
    void disabledJarIsSkipped() throws IOException {
        plainRule("off.jar", "org.example.off", "off");
        plainRule("on.jar", "org.example.on", "on");
        Files.writeString(plugins.resolve("disabled.txt"), "# not today\noff.jar\n");
        ComponentRegistry r = load();
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "off").isEmpty());
        assertTrue(r.find(ComponentKind.ADJUSTMENT_RULE, "on").isPresent());
        assertTrue(r.problems().isEmpty(), problems(r));
    }

    @Test
    void folderPluginSharesOneLayer() throws IOException {
        Path folder = Files.createDirectories(plugins.resolve("my-plugin"));
        String pkg = "org.example.folder";
        new PluginJar()
                .source(pkg + ".FolderRule", PluginJar.ruleSource(pkg, "FolderRule", "folder-rule", ""))
                .service(AdjustmentRuleFactory.class, pkg + ".FolderRule")
                .writeTo(folder.resolve("folder-rule.jar"));
        // a library beside it, as the coefficient searches carry Commons Math
        new PluginJar().source("org.example.lib.Helper", "package org.example.lib; public final class Helper {}")
                .writeTo(folder.resolve("helper-lib.jar"));
        ComponentRegistry r = load();
        DiscoveredComponent c = r.find(ComponentKind.ADJUSTMENT_RULE, "folder-rule").orElseThrow(() -> new AssertionError(problems(r)));
        assertEquals(folder.resolve("folder-rule.jar"), c.source().location());
        assertEquals(java.util.List.of(folder.resolve("helper-lib.jar")), c.source().companions(),
                "the folder's other JARs, for the run's provenance");
    }

    @Test
    void invalidIdIsRejected() throws IOException {
        plainRule("caps.jar", "org.example.caps", "Rule_Six");
        ComponentRegistry r = load();
        assertTrue(r.ids(ComponentKind.ADJUSTMENT_RULE).isEmpty());
        assertTrue(problems(r).contains("ids are lowercase words joined by hyphens"), problems(r));
    }

    @Test
    void hostProvidersIncludeTheBuiltInPluginsOnTheTestPath() {
        ComponentRegistry r = new PluginLoader().load(Optional.empty(), true);
        assertTrue(r.ids(ComponentKind.ADJUSTMENT_RULE).containsAll(java.util.List.of("none", "rule-1", "rule-5")),
                r.ids(ComponentKind.ADJUSTMENT_RULE).toString());
        assertTrue(r.ids(ComponentKind.IMPORTANCE_METRIC).contains("l1"));
        assertTrue(r.ids(ComponentKind.TRANSFER_POLICY).contains("top-to-bottom"));
    }

    private static Path apiClassFile() throws IOException {
        Path api = PluginJar.apiLocation();
        if (Files.isDirectory(api)) {
            return api.resolve("io/transferbench/api/ComponentFactory.class");
        }
        Path out = Files.createTempFile("ComponentFactory", ".class");
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(api.toFile())) {
            Files.write(out, jar.getInputStream(jar.getEntry("io/transferbench/api/ComponentFactory.class")).readAllBytes());
        }
        return out;
    }
}
