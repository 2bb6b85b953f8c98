/**
 * Sweeps: a folder of prepared trial run folders ({@code sweep.json}), the executors that run them (a
 * local pool of JVMs; Apache Spark through the adapter in {@code lib/spark/}), and the sweep's summary.
 */
package io.transferbench.runtime.internal.sweep;
