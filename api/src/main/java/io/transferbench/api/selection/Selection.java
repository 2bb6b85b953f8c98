package io.transferbench.api.selection;

import java.util.Objects;

/**
 * A selector's answer: one score per expert, in {@link SelectionProblem#experts()}'s order (higher is better;
 * the first of equal best scores is chosen), and how it was reached, for the report (a fallback, say).
 */
public record Selection(double[] scores, String how) {
    public Selection {
        Objects.requireNonNull(scores, "scores");
        Objects.requireNonNull(how, "how");
        for (double s : scores) {
            if (Double.isNaN(s)) {
                throw new IllegalArgumentException("a score is NaN");
            }
        }
        scores = scores.clone();
    }

    @Override
    public double[] scores() {
        return scores.clone();
    }
}
