package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.selection.ModelSelector;
import io.transferbench.api.selection.ModelSelectorFactory;
import io.transferbench.api.selection.Selection;

/** {@code leep}: LEEP: the log expected empirical prediction of the target labels from the expert's source-class probabilities. */
public final class LeepSelector implements ModelSelectorFactory {

    @Override
    public String id() {
        return "leep";
    }

    @Override
    public String description() {
        return "LEEP: the log expected empirical prediction of the target labels from the expert's source-class probabilities.";
    }

    @Override
    public ModelSelector create(ComponentParameters parameters) {
        return problem -> {
            double[] scores = new double[problem.experts().size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = Transferability.leep(problem.sourcePredictions(i), problem.targetLabels(), problem.targetClasses());
            }
            return new Selection(scores, "mean log-likelihood of the target labels through P(y | source class)");
        };
    }
}
