package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.Section;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Runs a validated pipeline's stages in order. The stage executors arrive with the engine. */
public final class PipelineRunner {

    private final Map<String, StageExecutor> executors = new TreeMap<>();

    @Inject
    public PipelineRunner() {
    }

    /** Stage types this build can run. */
    public List<String> runnableStageTypes() {
        return List.copyOf(executors.keySet());
    }

    /** Stage types the descriptor uses that this build cannot run yet, with where they are. */
    public List<String> unrunnableStages(PipelineDescriptor descriptor) {
        return descriptor.stages().stream().filter(s -> !executors.containsKey(s.string("type")))
                .map(s -> s.location("type") + ": " + s.path() + ".type: stage type '" + s.string("type")
                        + "' cannot run in this build yet; runnable: "
                        + (executors.isEmpty() ? "none" : String.join(", ", executors.keySet())))
                .collect(Collectors.toList());
    }

    /** One stage type's execution. */
    public interface StageExecutor {
        void run(Section stage, String stageName);
    }
}
