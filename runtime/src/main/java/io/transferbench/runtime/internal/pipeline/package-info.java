/** Running a validated pipeline: the run folder, stage execution and the run's recorded events. */
package io.transferbench.runtime.internal.pipeline;
