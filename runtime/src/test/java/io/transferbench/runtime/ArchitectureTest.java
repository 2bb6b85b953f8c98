package io.transferbench.runtime;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The module map of DESIGN.md as executable rules. */
class ArchitectureTest {

    private static final JavaClasses ALL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.transferbench");

    @Test
    void theRulesSeeEveryModule() {
        for (String name : new String[] {"io.transferbench.api.ComponentFactory",
                "io.transferbench.plugins.rules.AbsoluteRule", "io.transferbench.runtime.Main"}) {
            org.junit.jupiter.api.Assertions.assertTrue(ALL.contain(name), name + " was not imported");
        }
    }

    @Test
    void apiDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("io.transferbench.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.transferbench.api..", "java..")
                .check(ALL);
    }

    @Test
    void pluginsDependOnTheApiOnly() {
        classes().that().resideInAPackage("io.transferbench.plugins..")
                .and().resideOutsideOfPackage("io.transferbench.plugins.patching..")
                .and().resideOutsideOfPackage("io.transferbench.plugins.selection..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.transferbench.api..",
                        "io.transferbench.plugins..", "java..")
                .check(ALL);
    }

    /** The coefficient searches also use Commons Math, which their plugin folder carries; nothing of the runtime. */
    @Test
    void coefficientSearchesDependOnTheApiAndCommonsMathOnly() {
        classes().that().resideInAPackage("io.transferbench.plugins.patching..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.transferbench.api..",
                        "io.transferbench.plugins.patching..", "org.apache.commons.math3..", "java..")
                .check(ALL);
    }

    /** Likewise the task distances and model selectors (LogME's SVD, H-score's pseudo-inverse). */
    @Test
    void taskSelectionDependsOnTheApiAndCommonsMathOnly() {
        classes().that().resideInAPackage("io.transferbench.plugins.selection..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.transferbench.api..",
                        "io.transferbench.plugins.selection..", "org.apache.commons.math3..", "java..")
                .check(ALL);
    }

    @Test
    void pluginsDoNotReachIntoEachOther() {
        slices().matching("io.transferbench.plugins.(*)..").should().notDependOnEachOther().check(ALL);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.transferbench.(**)").should().beFreeOfCycles().check(ALL);
    }

    @Test
    void apiHasNoGuiceOrGuavaOrEngineTypes() {
        noClasses().that().resideInAPackage("io.transferbench.api..")
                .should().dependOnClassesThat().resideInAnyPackage("com.google..", "org.deeplearning4j..", "org.nd4j..")
                .check(ALL);
    }

    /**
     * DL4J and ND4J stay behind the engine: only the engine (networks, training, filter surgery, the
     * benchmark's training loop) and the stages (which drive it) use their types; the descriptor, the
     * pipeline, events, reports, comparison, plugins, wiring and the command line do not.
     */
    @Test
    void onlyTheEngineAndTheStagesUseDl4j() {
        noClasses().that().resideInAPackage("io.transferbench..")
                .and().resideOutsideOfPackages("io.transferbench.runtime.internal.engine..",
                        "io.transferbench.runtime.internal.stages..")
                .should().dependOnClassesThat().resideInAnyPackage("org.deeplearning4j..", "org.nd4j..")
                .check(ALL);
    }

    /** oneDNN called directly (JavaCPP's presets) stays inside the engine, behind the fast layers. */
    @Test
    void onlyTheEngineCallsNativeLibrariesDirectly() {
        noClasses().that().resideInAPackage("io.transferbench..")
                .and().resideOutsideOfPackage("io.transferbench.runtime.internal.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.bytedeco..")
                .check(ALL);
    }

    @Test
    void theRuntimeImportsNoPluginClass() {
        noClasses().that().resideInAPackage("io.transferbench.runtime..")
                .should().dependOnClassesThat().resideInAPackage("io.transferbench.plugins..")
                .check(ALL);
    }
}
