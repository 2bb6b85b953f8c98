package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.selection.ModelSelector;
import io.transferbench.api.selection.ModelSelectorFactory;
import io.transferbench.api.selection.Selection;

/** {@code h-score}: H-score: the between-class covariance of the expert's features in the metric of their total covariance. */
public final class HScoreSelector implements ModelSelectorFactory {

    @Override
    public String id() {
        return "h-score";
    }

    @Override
    public String description() {
        return "H-score: the between-class covariance of the expert's features in the metric of their total covariance.";
    }

    @Override
    public ModelSelector create(ComponentParameters parameters) {
        return problem -> {
            double[] scores = new double[problem.experts().size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = Transferability.hScore(problem.features(i), problem.targetLabels(), problem.targetClasses());
            }
            return new Selection(scores, "tr(cov(f)^+ cov(E[f | y]))");
        };
    }
}
