package io.transferbench.api.patching;

/**
 * The objective a {@link CoefficientSearch} minimises, measured by the runtime: one call for a new
 * coefficient is one evaluation, a pass over the validation data of every task of the stage. Asking
 * again for a coefficient already measured costs nothing and returns the same value.
 */
@FunctionalInterface
public interface PatchObjective {

    /**
     * The objective at {@code coefficient}, lower is better.
     *
     * @param coefficient in [0, 1]; 0 is the supported network, 1 the patched one
     * @throws IllegalArgumentException when {@code coefficient} is outside [0, 1] or not a number
     */
    double at(double coefficient);
}
