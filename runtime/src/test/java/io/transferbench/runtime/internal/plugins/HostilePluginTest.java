package io.transferbench.runtime.internal.plugins;

import io.transferbench.api.schedule.AdjustmentRule;
import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.AdjustmentContext;
import io.transferbench.api.schedule.ScheduleParameter;
import io.transferbench.runtime.PluginJar;
import io.transferbench.runtime.internal.descriptor.DescriptorException;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.pipeline.StageComponent;
import io.transferbench.runtime.internal.pipeline.StageTypes;
import io.transferbench.runtime.internal.stages.BuiltInStageTypes;
import io.transferbench.runtime.internal.stages.OnlineTransferStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugin JARs built on the fly that misbehave: each failure is caught where it happens and named with the
 * component, its kind and its JAR; nothing reaches the user as a stack trace.
 */
class HostilePluginTest {

    @TempDir
    Path plugins;

    private static final StageTypes TYPES = BuiltInStageTypes.all();

    private ComponentRegistry load() {
        return new PluginLoader().load(Optional.of(plugins), true);
    }

    private static String problems(ComponentRegistry r) {
        return r.problems().stream().map(PluginProblem::toString).collect(Collectors.joining("\n"));
    }

    /** A rule factory whose parts are given as Java code. */
    private Path rule(String jar, String pkg, String id, String create, String parameters) throws IOException {
        String source = "package " + pkg + ";\n"
                + "import io.transferbench.api.*;\n"
                + "import io.transferbench.api.schedule.*;\n"
                + "public final class Rule implements AdjustmentRuleFactory {\n"
                + "  public String id() { return \"" + id + "\"; }\n"
                + "  public String description() { return \"hostile\"; }\n"
                + "  public java.util.List<ParameterSpec> parameters() { " + parameters + " }\n"
                + "  public AdjustmentRule create(ComponentParameters p) { " + create + " }\n"
                + "}\n";
        return new PluginJar().source(pkg + ".Rule", source).service(AdjustmentRuleFactory.class, pkg + ".Rule")
                .writeTo(plugins.resolve(jar));
    }

    private PipelineDescriptor descriptor(ComponentRegistry registry, String rule) throws DescriptorException {
        return new DescriptorValidator(registry, TYPES.pipelineSchema()).validate(plugins.resolve("p.yaml"), String.join("\n",
                "name: hostile",
                "tasks: {t: {dataset: fashion-mnist}}",
                "networks: {a: {model: small-cnn, task: t}, b: {model: small-cnn, task: t}}",
                "stages:",
                "  - {type: online-transfer, networks: [a, b], epochs: 4, frequency: {initial: 1, rule: " + rule + "}}",
                ""));
    }

    @Test
    void aLinkageErrorWhenCreatedIsADescriptorProblemNamingTheJar() throws IOException {
        Path jar = rule("linkage.jar", "org.hostile.linkage", "linkage",
                "throw new NoClassDefFoundError(\"org/missing/Helper\");", "return java.util.List.of();");
        ComponentRegistry registry = load();
        DescriptorException e = assertThrows(DescriptorException.class, () -> descriptor(registry, "linkage"));
        String message = e.problems().get(0).toString();
        assertTrue(message.contains("stages[0].frequency.rule: the adjustment rule 'linkage' from " + jar
                + " could not be created: java.lang.NoClassDefFoundError: org/missing/Helper"), message);
    }

    @Test
    void aFactoryThatCreatesNothingIsADescriptorProblem() throws IOException {
        Path jar = rule("null.jar", "org.hostile.nothing", "nothing", "return null;", "return java.util.List.of();");
        DescriptorException e = assertThrows(DescriptorException.class, () -> descriptor(load(), "nothing"));
        assertTrue(e.problems().get(0).toString().contains("the adjustment rule 'nothing' from " + jar
                + " returned no instance from create()"), e.problems().toString());
    }

    @Test
    void aCallThatThrowsIsNamedAndRunsWithThePluginsClassLoader() throws Exception {
        // adjust() answers 1 when the context class loader is the plugin's own, and throws on a negative value
        Path jar = rule("calls.jar", "org.hostile.calls", "calls",
                "return c -> { if (c.value() < 0) throw new IllegalArgumentException(\"negative\");"
                        + " return Thread.currentThread().getContextClassLoader() == Rule.class.getClassLoader() ? 1 : 0; };",
                "return java.util.List.of();");
        ComponentRegistry registry = load();
        OnlineTransferStage.Settings settings = (OnlineTransferStage.Settings) TYPES.resolve(descriptor(registry, "calls"))
                .get(0).settings();
        StageComponent<AdjustmentRule> rule = settings.frequency().rule();
        AdjustmentRule instance = rule.createFor("a", 1);
        assertEquals(1.0, instance.adjust(new AdjustmentContext(ScheduleParameter.FREQUENCY, 2, 0, 2, 2, 4)),
                "the plugin's code runs with its own class loader as the context loader");
        PluginCalls.PluginFailure failure = assertThrows(PluginCalls.PluginFailure.class,
                () -> instance.adjust(new AdjustmentContext(ScheduleParameter.FREQUENCY, -1, 0, 2, 2, 4)));
        assertTrue(failure.getMessage().startsWith("the adjustment rule 'calls' from " + jar), failure.getMessage());
        assertTrue(failure.getMessage().endsWith("failed in adjust(): java.lang.IllegalArgumentException: negative"),
                failure.getMessage());
    }

    @Test
    void aFactoryWhoseParametersThrowIsSkippedAtLoadTime() throws IOException {
        Path jar = rule("params.jar", "org.hostile.params", "params", "return c -> c.value();",
                "throw new IllegalStateException(\"no spec\");");
        ComponentRegistry registry = load();
        assertTrue(registry.find(ComponentKind.ADJUSTMENT_RULE, "params").isEmpty());
        assertTrue(problems(registry).contains(jar + ": the adjustment rule 'params' (org.hostile.params.Rule) is skipped: "
                + "its description() or parameters() failed: java.lang.IllegalStateException: no spec"), problems(registry));
    }

    @Test
    void aModuleThatRequiresAMissingModuleIsRejectedNamingIt() throws IOException {
        Path work = Files.createDirectories(plugins.resolveSibling(plugins.getFileName() + "-build"));
        Path helper = new PluginJar().source("org.helper.Help", "package org.helper; public final class Help {"
                        + " public static double one() { return 1; } }")
                .moduleInfo("module org.helper { exports org.helper; }").writeTo(work.resolve("helper.jar"));
        String pkg = "org.needy";
        Path jar = new PluginJar().compileAgainst(helper)
                .source(pkg + ".MyRule", PluginJar.ruleSource(pkg, "MyRule", "needy", "org.helper.Help.one();"))
                .moduleInfo("module org.needy { requires io.transferbench.api; requires org.helper; "
                        + "provides io.transferbench.api.schedule.AdjustmentRuleFactory with org.needy.MyRule; }")
                .service(AdjustmentRuleFactory.class, pkg + ".MyRule")
                .writeTo(plugins.resolve("needy.jar"));
        ComponentRegistry registry = load();
        assertTrue(registry.find(ComponentKind.ADJUSTMENT_RULE, "needy").isEmpty(), "not loaded through a fallback");
        String problems = problems(registry);
        assertTrue(problems.contains(jar + ": rejected: module org.needy cannot be resolved: ") && problems.contains("org.helper"),
                problems);
    }

    @Test
    void aJarThatContributesNothingIsMentioned() throws IOException {
        Path jar = new PluginJar().source("org.empty.Nothing", "package org.empty; public final class Nothing { }")
                .writeTo(plugins.resolve("empty.jar"));
        ComponentRegistry registry = load();
        assertTrue(problems(registry).contains(jar + ": contributes no component"), problems(registry));
        assertFalse(registry.all().stream().anyMatch(c -> c.source().location().equals(jar)));
    }

    @Test
    void aDefaultComponentThatIsNotInstalledIsADescriptorProblem() {
        ComponentRegistry none = new ComponentRegistry(java.util.List.of(), java.util.List.of());
        DescriptorException e = assertThrows(DescriptorException.class, () -> descriptor(none, "none"));
        String all = e.problems().toString();
        assertTrue(all.contains("stages[0].importance: unknown importance metric 'l1'; available: none installed"), all);
        assertTrue(all.contains("stages[0].policy: unknown transfer policy 'top-to-bottom'"), all);
    }
}
