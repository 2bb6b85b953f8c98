package io.transferbench.plugins.selection;

import io.transferbench.api.ComponentParameters;
import io.transferbench.api.ParameterSpec;
import io.transferbench.api.selection.TaskDistance;
import io.transferbench.api.selection.TaskDistanceFactory;

import java.util.Arrays;
import java.util.List;

/**
 * {@code asymmetric}: d(a -> b) = d_sym(a, b) - alpha d_sym(a, t0). The trivial task t0 is the task on which every
 * filter of the probe carries the same information: a constant embedding, at a's mean value (the cosine
 * distance is not scale-free in one argument alone, so the constant must be fixed; a's own mean makes
 * d_sym(a, t0) measure only how unevenly a spreads its information over the filters). A source task far from
 * trivial is a complex one, and the distance favours it.
 */
public final class AsymmetricDistance implements TaskDistanceFactory {

    @Override
    public String id() {
        return "asymmetric";
    }

    @Override
    public String description() {
        return "Task2Vec's asymmetric distance d_sym(a, b) - alpha d_sym(a, t0), t0 the trivial task (every filter "
                + "alike, at a's mean): favours complex source tasks.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.number("alpha", "Weight of the source task's distance from the trivial task.")
                .withDefault(0.15).withMinimum(0).withMaximum(10));
    }

    @Override
    public TaskDistance create(ComponentParameters parameters) {
        double alpha = parameters.number("alpha");
        return (from, to) -> Embeddings.symmetricCosine(from, to) - alpha * Embeddings.symmetricCosine(from, trivial(from));
    }

    /** The trivial task's embedding for source {@code a}: every filter at a's mean. */
    static double[] trivial(double[] a) {
        double[] t = new double[a.length];
        Arrays.fill(t, Embeddings.mean(a));
        return t;
    }
}
