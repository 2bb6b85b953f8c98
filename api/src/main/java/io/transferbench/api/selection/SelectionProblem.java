package io.transferbench.api.selection;

import java.util.List;

/**
 * What a selector may see of one target task and the library of experts. Everything is computed when first
 * asked for (a selector that reads no features costs no forward pass) and is the same in every call.
 */
public interface SelectionProblem {

    /** The target task's name. */
    String target();

    /** The experts' network names, in the order of every per-expert array. */
    List<String> experts();

    /** The target's number of classes. */
    int targetClasses();

    /** The target's labels ({@code 0 .. targetClasses() - 1}) of the images the features and predictions are of. */
    int[] targetLabels();

    /**
     * Expert {@code expert}'s features of the target's images: the input of its classifier (the penultimate
     * layer), one row per image in {@link #targetLabels()}'s order.
     */
    double[][] features(int expert);

    /** Expert {@code expert}'s class probabilities over its own source task's classes, one row per image. */
    double[][] sourcePredictions(int expert);

    /** The target's task embedding on the probe. */
    double[] targetEmbedding();

    /** The embedding of expert {@code expert}'s source task on the same probe. */
    double[] sourceEmbedding(int expert);

    /** The stage's task distance, {@code from} the source {@code to} the target. */
    double distance(double[] from, double[] to);

    /** Other tasks with every expert's fine-tuned accuracy known (empty when the stage measured none). */
    List<MetaTask> metaTasks();
}
