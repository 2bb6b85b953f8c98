package io.transferbench.runtime.internal.pipeline;

import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.events.EventPublisher;

import java.nio.file.Path;

/** What a running stage gets besides its settings: the run (folder, state, checkpoints) and the publisher. */
public record StageContext(PipelineDescriptor pipeline, String stageName, int index, Path runFolder,
                           EventPublisher publisher, RunState state, Checkpoints checkpoints) {

    public void publish(LifecycleEvent event) {
        publisher.publish(event);
    }

    public long seed() {
        return pipeline.effectiveSeed();
    }
}
