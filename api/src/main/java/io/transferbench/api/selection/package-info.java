/**
 * Task embeddings and model selection (Task2Vec): how far apart two tasks are
 * ({@link io.transferbench.api.selection.TaskDistanceFactory}) and which expert of a library to fine-tune on a
 * target task ({@link io.transferbench.api.selection.ModelSelectorFactory}).
 *
 * <p>A task embedding is one non-negative number per filter of the probe network (the diagonal of the Fisher
 * information averaged over the filter's weights), in the probe's layer order.
 */
package io.transferbench.api.selection;
