package io.transferbench.api.patching;

/**
 * What a {@link CoefficientSearch} chose.
 *
 * @param coefficient the chosen a, in [0, 1]; the runtime measures the objective there if the search did not
 * @param how         how it was chosen, in a few words for the report ("best of 21 grid points",
 *                    "fitted minimum", "best sample: the fit has no minimum inside the bracket")
 */
public record CoefficientChoice(double coefficient, String how) {
    public CoefficientChoice {
        if (!(coefficient >= 0 && coefficient <= 1)) {
            throw new IllegalArgumentException("a coefficient must lie in [0, 1], found " + coefficient);
        }
        how = how == null ? "" : how;
    }
}
