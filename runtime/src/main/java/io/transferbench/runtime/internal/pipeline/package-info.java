/**
 * Running a validated pipeline: the stage-type contract and registry, the runner, the run folder's
 * recorders (events, metrics, summary, components) and checkpoints for resume.
 */
package io.transferbench.runtime.internal.pipeline;
