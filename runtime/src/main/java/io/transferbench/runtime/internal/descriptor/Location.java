package io.transferbench.runtime.internal.descriptor;

/** A position in a descriptor file; line and column are 1-based. */
public record Location(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
