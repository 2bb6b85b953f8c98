package io.transferbench.api.selection;

import java.util.Objects;

/**
 * A task other than the target on which every expert has already been fine-tuned: its embedding and each
 * expert's accuracy there (in {@link SelectionProblem#experts()}'s order), for selectors that learn from such
 * tasks (model2vec).
 */
public record MetaTask(String task, double[] embedding, double[] expertAccuracies) {
    public MetaTask {
        Objects.requireNonNull(task, "task");
        embedding = embedding.clone();
        expertAccuracies = expertAccuracies.clone();
    }

    @Override
    public double[] embedding() {
        return embedding.clone();
    }

    @Override
    public double[] expertAccuracies() {
        return expertAccuracies.clone();
    }
}
