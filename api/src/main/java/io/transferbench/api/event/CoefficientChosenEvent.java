package io.transferbench.api.event;

import java.util.List;

/**
 * A coefficient search of a {@code patch} stage finished.
 *
 * @param search       the descriptor key that names it, e.g. {@code search[0]}
 * @param searchId     the component's id, e.g. {@code quasi-convex}
 * @param objective    the objective measured at the chosen coefficient on the validation split (never a fitted value)
 * @param evaluations  distinct coefficients it had measured, each a pass over every task's validation split
 * @param how          how it chose, in the search's words
 * @param coefficients the coefficients it measured, in the order it asked for them
 */
public record CoefficientChosenEvent(String stage, String search, String searchId, double coefficient, double objective,
                                     int evaluations, String how, List<Double> coefficients) implements StageEvent {
    public CoefficientChosenEvent {
        coefficients = List.copyOf(coefficients);
    }
}
