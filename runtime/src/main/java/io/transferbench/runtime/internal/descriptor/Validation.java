package io.transferbench.runtime.internal.descriptor;

import io.transferbench.runtime.internal.plugins.ComponentRegistry;

import java.util.ArrayList;
import java.util.List;

/** The state of one validation pass: problems found and name references to check at the end. */
final class Validation {

    /** A name that must be a key of a top-level section ({@code tasks}, {@code networks}). */
    record PendingReference(String section, String name, Location location, String path) {
    }

    final ComponentRegistry registry;
    final long seed;
    final List<DescriptorProblem> problems = new ArrayList<>();
    final List<PendingReference> references = new ArrayList<>();

    Validation(ComponentRegistry registry, long seed) {
        this.registry = registry;
        this.seed = seed;
    }

    void problem(Location location, String path, String message) {
        problems.add(new DescriptorProblem(location, path, message));
    }
}
