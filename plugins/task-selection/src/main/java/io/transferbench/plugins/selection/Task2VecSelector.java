package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.selection.ModelSelector;
import io.transferbench.api.selection.ModelSelectorFactory;
import io.transferbench.api.selection.Selection;

/** {@code task2vec}: the expert whose source task is nearest the target by the stage's task distance. */
public final class Task2VecSelector implements ModelSelectorFactory {

    @Override
    public String id() {
        return "task2vec";
    }

    @Override
    public String description() {
        return "Task2Vec: the expert whose source task's embedding is nearest the target's, by the stage's distance.";
    }

    @Override
    public ModelSelector create(ComponentParameters parameters) {
        return problem -> {
            double[] target = problem.targetEmbedding();
            double[] scores = new double[problem.experts().size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = -problem.distance(problem.sourceEmbedding(i), target);
            }
            return new Selection(scores, "minus the distance from the expert's source task to the target");
        };
    }
}
