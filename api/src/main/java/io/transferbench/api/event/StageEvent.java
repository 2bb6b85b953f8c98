package io.transferbench.api.event;

/** An event that happened inside a stage of the pipeline. */
public interface StageEvent extends LifecycleEvent {

    /** The stage's name in the pipeline, e.g. {@code pretrain-1}. */
    String stage();
}
