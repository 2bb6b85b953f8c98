package io.transferbench.api.patching;

/**
 * Chooses the interpolation coefficient of a {@code patch} stage by measuring the objective at the
 * coefficients it picks. Its cost is the number of distinct coefficients it asks for (the runtime counts
 * them, including a = 0 when the objective is normalised by the losses there); the report puts that number
 * beside the objective reached.
 */
@FunctionalInterface
public interface CoefficientSearch {

    CoefficientChoice search(PatchObjective objective);
}
