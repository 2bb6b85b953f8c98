package io.transferbench.runtime.internal.pipeline;

import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.Section;
import io.transferbench.runtime.internal.events.EventPublisher;

import java.nio.file.Path;

/** What a stage executor gets: its descriptor section, the run and the publisher. */
public record StageContext(PipelineDescriptor pipeline, Section stage, String stageName, int index, Path runFolder,
                           EventPublisher publisher, RunState state, Checkpoints checkpoints) {

    public void publish(LifecycleEvent event) {
        publisher.publish(event);
    }

    public long seed() {
        return pipeline.effectiveSeed();
    }
}
