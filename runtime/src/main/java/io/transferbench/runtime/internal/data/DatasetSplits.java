package io.transferbench.runtime.internal.data;

/**
 * A data set's train and evaluation splits. For CIFAR-100, {@code trainCoarse} and {@code evalCoarse}
 * hold the superclass labels beside the fine labels; elsewhere they are empty.
 */
public record DatasetSplits(LabelledImages train, LabelledImages eval, int[] trainCoarse, int[] evalCoarse) {
}
