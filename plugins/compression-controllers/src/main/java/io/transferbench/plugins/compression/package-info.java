/**
 * Compression controllers: {@code one-shot} and {@code iterative} remove each conv layer's least
 * important filters to a per-layer ratio; {@code rl} searches per-layer ratios with a recurrent
 * Q-network trained from prioritised replay, under a compression budget.
 */
package io.transferbench.plugins.compression;
