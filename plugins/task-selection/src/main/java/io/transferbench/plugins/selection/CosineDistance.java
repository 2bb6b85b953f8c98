package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.selection.TaskDistance;
import io.transferbench.api.selection.TaskDistanceFactory;

/** {@code cosine}: Task2Vec's symmetric distance, the cosine distance of a/(a+b) and b/(a+b). */
public final class CosineDistance implements TaskDistanceFactory {

    @Override
    public String id() {
        return "cosine";
    }

    @Override
    public String description() {
        return "Task2Vec's symmetric distance: cosine distance of a/(a+b) and b/(a+b), element-wise (0 to 1).";
    }

    @Override
    public TaskDistance create(ComponentParameters parameters) {
        return Embeddings::symmetricCosine;
    }
}
