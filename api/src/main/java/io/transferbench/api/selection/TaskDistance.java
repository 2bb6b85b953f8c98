package io.transferbench.api.selection;

/**
 * A distance between two task embeddings of the same probe (equal lengths, non-negative values). Lower is
 * closer. For model selection {@code from} is the source task (an expert's) and {@code to} the target, which
 * matters only for asymmetric distances.
 */
@FunctionalInterface
public interface TaskDistance {

    double between(double[] from, double[] to);
}
