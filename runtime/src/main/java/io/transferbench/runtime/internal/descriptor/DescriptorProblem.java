package io.transferbench.runtime.internal.descriptor;

/**
 * One thing wrong with a descriptor: where, which field, and what would be right.
 *
 * @param path the field, e.g. {@code stages[1].frequency.rule}; empty for the whole file
 */
public record DescriptorProblem(Location location, String path, String message) {
    @Override
    public String toString() {
        return location + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
