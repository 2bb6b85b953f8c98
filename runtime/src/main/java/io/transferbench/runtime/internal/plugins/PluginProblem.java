package io.transferbench.runtime.internal.plugins;

import java.nio.file.Path;

/**
 * A plugin, or one provider in it, that was rejected; the others still load.
 *
 * @param location the JAR or folder concerned
 * @param message  what was wrong and what would fix it
 * @param rejectedIds component ids that this problem made unavailable, for "unknown id" messages
 */
public record PluginProblem(Path location, String message, java.util.Set<String> rejectedIds) {
    public PluginProblem {
        rejectedIds = java.util.Set.copyOf(rejectedIds);
    }

    public PluginProblem(Path location, String message) {
        this(location, message, java.util.Set.of());
    }

    @Override
    public String toString() {
        return location + ": " + message;
    }
}
