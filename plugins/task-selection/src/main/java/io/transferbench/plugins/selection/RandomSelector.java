package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.selection.ModelSelector;
import io.transferbench.api.selection.ModelSelectorFactory;
import io.transferbench.api.selection.Selection;

import java.util.SplittableRandom;

/** {@code random}: scores drawn uniformly, seeded by the trial and the target: the baseline every selector must beat. */
public final class RandomSelector implements ModelSelectorFactory {

    @Override
    public String id() {
        return "random";
    }

    @Override
    public String description() {
        return "Random choice: uniform scores, seeded by the trial's seed and the target's name.";
    }

    @Override
    public ModelSelector create(ComponentParameters parameters) {
        long seed = parameters.seed();
        return problem -> {
            SplittableRandom random = new SplittableRandom(seed ^ ((long) problem.target().hashCode() << 17));
            double[] scores = new double[problem.experts().size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = random.nextDouble();
            }
            return new Selection(scores, "uniform random scores");
        };
    }
}
