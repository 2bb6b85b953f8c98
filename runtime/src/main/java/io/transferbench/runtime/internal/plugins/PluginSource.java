package io.transferbench.runtime.internal.plugins;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a component came from.
 *
 * @param location the JAR (or the plugin folder's JAR) holding the provider class
 * @param module   the provider's module name; empty when loaded by the class-loader fallback or from the class path
 * @param version  the module's or JAR's version when it declares one
 * @param loading  how it was loaded: {@code plugin layer}, {@code class loader} or {@code module path}
 */
public record PluginSource(Path location, Optional<String> module, Optional<String> version, String loading,
                           java.util.List<Path> companions) {

    /**
     * @param companions the other JARs of a folder plugin's layer (its libraries), for provenance; none for a
     *                   plugin that is one JAR
     */
    public PluginSource {
        companions = java.util.List.copyOf(companions);
    }

    public PluginSource(Path location, Optional<String> module, Optional<String> version, String loading) {
        this(location, module, version, loading, java.util.List.of());
    }

    /** A short label for listings: {@code plugins/rules.jar (module io.x.rules, plugin layer)}. */
    public String describe() {
        return location + " (" + module.map(m -> "module " + m + ", ").orElse("") + loading + ")";
    }
}
