/**
 * The Transferbench runtime: command line, descriptor validation, plugin layers, wiring, the event
 * bus and the engine. Exports nothing; it is an application, started with
 * {@code -m io.transferbench.runtime/io.transferbench.runtime.Main}.
 *
 * @uses io.transferbench.api.importance.ImportanceMetricFactory filter importance metrics
 * @uses io.transferbench.api.schedule.AdjustmentRuleFactory adjustment rules for e and P
 * @uses io.transferbench.api.transfer.TransferPolicyFactory transfer policies
 * @uses io.transferbench.api.compression.CompressionControllerFactory compression controllers
 * @uses io.transferbench.api.patching.CoefficientSearchFactory coefficient searches of the patch stage
 * @uses io.transferbench.api.selection.TaskDistanceFactory task distances of Task2Vec embeddings
 * @uses io.transferbench.api.selection.ModelSelectorFactory model selectors of the select-model stage
 * @uses io.transferbench.api.event.LifecycleListenerFactory listeners named in a descriptor
 */
module io.transferbench.runtime {
    requires io.transferbench.api;
    requires com.google.guice;
    requires jakarta.inject;
    requires com.google.common;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    // YAML syntax errors: the parser's marks say where the offending character is
    requires org.yaml.snakeyaml;
    requires info.picocli;
    requires org.apache.logging.log4j;
    requires org.apache.logging.log4j.core;
    // report.html: XChart draws with AWT (headless)
    requires java.desktop;
    // transferbench ui: the JDK's HTTP server on the loopback interface
    requires jdk.httpserver;
    requires java.management;

    uses io.transferbench.api.importance.ImportanceMetricFactory;
    uses io.transferbench.api.schedule.AdjustmentRuleFactory;
    uses io.transferbench.api.transfer.TransferPolicyFactory;
    uses io.transferbench.api.compression.CompressionControllerFactory;
    uses io.transferbench.api.patching.CoefficientSearchFactory;
    uses io.transferbench.api.selection.TaskDistanceFactory;
    uses io.transferbench.api.selection.ModelSelectorFactory;
    uses io.transferbench.api.event.LifecycleListenerFactory;

    // Guava's EventBus calls setAccessible on the adapters' @Subscribe methods.
    opens io.transferbench.runtime.internal.events to com.google.common;
    // picocli reads and writes the command classes' annotated fields.
    opens io.transferbench.runtime.internal.cli to info.picocli;
    // Guice constructs the injected classes (bytecode generation is disabled by the launcher).
    opens io.transferbench.runtime.internal.wiring to com.google.guice;
    opens io.transferbench.runtime.internal.pipeline to com.google.guice;
    opens io.transferbench.runtime.internal.descriptor to com.google.guice;
    // Jackson builds components.json's records (ComponentsFile.Entry) when it reads the file back.
    opens io.transferbench.runtime.internal.report to com.fasterxml.jackson.databind;
}
