package io.transferbench.runtime.internal.stages;

import io.transferbench.runtime.internal.pipeline.StageTypes;

import java.util.List;

/** Where stage types are registered: one line each, in the order the descriptor reference lists them. */
public final class BuiltInStageTypes {

    private BuiltInStageTypes() {
    }

    public static StageTypes all() {
        return new StageTypes(List.of(
                new PretrainStage(),
                new FinetuneStage(),
                new EvaluateStage(),
                new PruneStage(),
                new ReplaceFiltersStage(),
                new OnlineTransferStage(),
                new PatchStage(),
                new EmbedTasksStage(),
                new SelectModelStage()));
    }
}
