package io.transferbench.runtime.internal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.transferbench.runtime.internal.descriptor.DescriptorException;
import io.transferbench.runtime.internal.descriptor.DescriptorValidator;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.ResolvedComponent;
import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.pipeline.StageTypes;
import io.transferbench.runtime.internal.pipeline.TaskLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code transferbench validate DESCRIPTOR}: check a descriptor without running it. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check a descriptor completely (structure, values, component ids and parameters) without running it.")
final class ValidateCommand implements Callable<Integer> {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    @ParentCommand
    TransferbenchCommand root;

    @Parameters(index = "0", paramLabel = "DESCRIPTOR", description = "The pipeline descriptor (YAML).")
    Path descriptor;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "Overrides of the descriptor's values, keys "
            + "as in the error messages, values as YAML: stages[1].frequency.rule=rule-5 seed=7 tasks.a.classes=[0,1]")
    java.util.List<String> overrides = new java.util.ArrayList<>();

    @Option(names = "--explain", description = "Print the pipeline as it will run: stages, components with every "
            + "parameter (defaults filled in) and the JAR each component comes from.")
    boolean explain;

    @Option(names = "--multirun", description = "Overrides with several comma-separated values sweep, as for run.")
    boolean multirun;

    @Option(names = "--no-data", description = "Do not read the tasks' data files (by default validate reads them, "
            + "as run would, so a missing or damaged file is found now).")
    boolean noData;

    @Override
    public Integer call() throws Exception {
        PipelineDescriptor d;
        try {
            d = root.injector().getInstance(DescriptorValidator.class).validate(descriptor,
                    io.transferbench.runtime.internal.descriptor.Overrides.parse(overrides), multirun);
        } catch (DescriptorException e) {
            return report(root, e);
        }
        ValidateCommand.warn(root, d);
        String data = "";
        if (!noData) {
            try {
                Map<String, TaskData> tasks = new TaskLoader(new DatasetLoader()).loadAll(d);
                data = ", data of " + tasks.size() + " task" + (tasks.size() == 1 ? "" : "s") + " read";
            } catch (TaskLoader.TaskDataException e) {
                root.err().println("error: " + e.getMessage());
                return TransferbenchCommand.BAD_INPUT;
            }
        }
        int configurations = d.configurations().size();
        root.out().println(descriptor + ": valid (" + d.stages().size() + " stage" + (d.stages().size() == 1 ? "" : "s")
                + ", " + d.networks().size() + " network" + (d.networks().size() == 1 ? "" : "s")
                + (configurations > 1 ? ", " + configurations + " configurations in its sweep" : "") + data + ")");
        if (explain) {
            explain(d);
        }
        return TransferbenchCommand.OK;
    }

    /** The stages' warnings (a rule that can never fire, ...), each combination of a sweep's once, on stderr. */
    static void warn(TransferbenchCommand root, PipelineDescriptor d) {
        StageTypes types = root.injector().getInstance(StageTypes.class);
        d.configurations().stream().flatMap(c -> types.warnings(c).stream()).distinct()
                .forEach(w -> root.err().println("warning: " + w));
    }

    static int report(TransferbenchCommand root, DescriptorException e) {
        e.problems().forEach(p -> root.err().println("error: " + p));
        root.err().println(e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s")
                + " in the descriptor; nothing was run.");
        return TransferbenchCommand.BAD_INPUT;
    }

    private void explain(PipelineDescriptor d) throws Exception {
        root.out().println();
        root.out().println("Resolved pipeline (defaults filled in):");
        root.out().print(YAML.writeValueAsString(DescriptorValidator.resolved(d)).indent(2));
        root.out().println("Components and where they come from:");
        for (StageTypes.ComponentUse use : root.injector().getInstance(StageTypes.class).componentUses(d)) {
            line(use.stage(), use.key(), use.component());
        }
    }

    private void line(String stage, String key, ResolvedComponent c) {
        root.out().printf("  %s %s: %s %s%s from %s%n", stage, key, c.component().kind().displayName(), c.id(),
                c.parameters().values().isEmpty() ? "" : " " + new java.util.TreeMap<>(c.parameters().values()),
                c.component().source().describe());
    }
}
