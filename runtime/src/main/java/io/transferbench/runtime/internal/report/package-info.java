/** The run folder's {@code report.html} and {@code comparison.html}: charts and tables recounted from the run's events. */
package io.transferbench.runtime.internal.report;
