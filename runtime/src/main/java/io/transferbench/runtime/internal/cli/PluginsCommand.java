package io.transferbench.runtime.internal.cli;

import io.transferbench.api.ParameterSpec;
import io.transferbench.runtime.internal.descriptor.Fields;
import io.transferbench.runtime.internal.plugins.ComponentRegistry;
import io.transferbench.runtime.internal.plugins.DiscoveredComponent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code transferbench plugins}: every component with its kind, version, module and JAR. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every component (id, kind, version, module, JAR) and any plugin that was rejected.")
final class PluginsCommand implements Callable<Integer> {

    @ParentCommand
    TransferbenchCommand root;

    @Option(names = "--parameters", description = "Also list each component's parameters with types and defaults.")
    boolean parameters;

    @Override
    public Integer call() {
        ComponentRegistry registry = root.registry();
        List<DiscoveredComponent> all = registry.all();
        root.out().printf("%-22s %-16s %-16s %-36s %s%n", "KIND", "ID", "VERSION", "MODULE", "SOURCE");
        for (DiscoveredComponent c : all) {
            root.out().printf("%-22s %-16s %-16s %-36s %s%n", c.kind().displayName(), c.id(),
                    c.source().version().orElse("-"), c.source().module().orElse("(" + c.source().loading() + ")"),
                    c.source().location());
            if (parameters) {
                root.out().println("    " + c.factory().description());
                for (ParameterSpec p : c.factory().parameters()) {
                    root.out().println("    - " + p.name() + " (" + Fields.expected(p) + (p.required() ? ", required"
                            : ", default " + p.defaultValue().orElse("")) + "): " + p.description());
                }
            }
        }
        root.out().println(all.size() + " components from " + root.pluginsDir() + " and the module path");
        if (!registry.problems().isEmpty()) {
            root.out().println();
            root.out().println("Rejected (" + registry.problems().size() + "):");
            registry.problems().forEach(p -> root.out().println("  " + p));
        }
        return TransferbenchCommand.OK;
    }
}
