package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.selection.ModelSelector;
import io.transferbench.api.selection.ModelSelectorFactory;
import io.transferbench.api.selection.Selection;

/** {@code nce}: NCE: minus the conditional entropy of the target labels given the expert's predicted source classes. */
public final class NceSelector implements ModelSelectorFactory {

    @Override
    public String id() {
        return "nce";
    }

    @Override
    public String description() {
        return "NCE: minus the conditional entropy of the target labels given the expert's predicted source classes.";
    }

    @Override
    public ModelSelector create(ComponentParameters parameters) {
        return problem -> {
            double[] scores = new double[problem.experts().size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = Transferability.nce(problem.sourcePredictions(i), problem.targetLabels(), problem.targetClasses());
            }
            return new Selection(scores, "-H(Y | Z) in nats");
        };
    }
}
