package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.selection.ModelSelector;
import io.transferbench.api.selection.ModelSelectorFactory;
import io.transferbench.api.selection.Selection;

/** {@code logme}: LogME: the evidence of a Bayesian linear model of the target labels on the expert's features. */
public final class LogMeSelector implements ModelSelectorFactory {

    @Override
    public String id() {
        return "logme";
    }

    @Override
    public String description() {
        return "LogME: the evidence of a Bayesian linear model of the target labels on the expert's features.";
    }

    @Override
    public ModelSelector create(ComponentParameters parameters) {
        return problem -> {
            double[] scores = new double[problem.experts().size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = Transferability.logMe(problem.features(i), problem.targetLabels(), problem.targetClasses());
            }
            return new Selection(scores, "log evidence per image, mean over classes");
        };
    }
}
