/** The run folder's {@code report.html}: charts and tables recounted from the run's own files. */
package io.transferbench.runtime.internal.report;
