package io.transferbench.api.selection;

/**
 * Scores every expert of a library for one target task, before any expert is fine-tuned on it; the stage
 * fine-tunes the best-scoring one. Scores need only be comparable within one call: higher is better.
 */
@FunctionalInterface
public interface ModelSelector {

    Selection select(SelectionProblem problem);
}
