package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.data.DataException;
import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.DatasetSplits;
import io.transferbench.runtime.internal.data.TaskData;
import io.transferbench.runtime.internal.data.TaskVariant;
import io.transferbench.runtime.internal.descriptor.Seeds;
import io.transferbench.runtime.internal.descriptor.PipelineDescriptor;
import io.transferbench.runtime.internal.descriptor.Section;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Loads every task of a descriptor before anything runs, so missing data is bad input (exit 2). */
public final class TaskLoader {

    /** Data that cannot be read, located at the task that needs it. */
    public static final class TaskDataException extends Exception {
        private static final long serialVersionUID = 1L;

        TaskDataException(Section task, DataException cause) {
            super(task.location("dataset") + ": " + task.path() + ": " + cause.getMessage(), cause);
        }
    }

    private final DatasetLoader loader;

    public TaskLoader(DatasetLoader loader) {
        this.loader = loader;
    }

    public Map<String, TaskData> loadAll(PipelineDescriptor descriptor) throws TaskDataException {
        Map<String, TaskData> tasks = new LinkedHashMap<>();
        for (Map.Entry<String, Section> e : descriptor.tasks().entrySet()) {
            Section task = e.getValue();
            String dataset = task.string("dataset");
            Path folder = task.optionalString("path").map(Path::of).orElse(DatasetLoader.defaultFolder(dataset));
            try {
                DatasetSplits splits = loader.load(dataset, folder);
                List<Integer> classes = task.has("superclasses")
                        ? TaskData.oneFineClassPerSuperclass(splits, integers(task.scalars("superclasses")),
                        descriptor.effectiveSeed())
                        : integers(task.scalars("classes"));
                Section t = task.section("transform");
                TaskVariant variant = new TaskVariant((int) t.integer("rotate"), t.flag("transpose"),
                        t.flag("permute-pixels"), t.flag("invert"), t.number("noise"), task.number("label-noise"));
                // the task's own seed, from the descriptor's seed (not the trial's): a task is the same task
                // in every trial; only training differs between trials
                long taskSeed = Seeds.derive(descriptor.seed(), "task " + e.getKey());
                tasks.put(e.getKey(), TaskData.cut(e.getKey(), splits, new TaskData.Cut(classes,
                        task.optionalInteger("train-per-class").orElse(0L).intValue(),
                        task.optionalInteger("eval-per-class").orElse(0L).intValue(),
                        task.optionalInteger("validation-per-class").orElse(0L).intValue(), variant, taskSeed)));
            } catch (DataException ex) {
                throw new TaskDataException(task, ex);
            }
        }
        return tasks;
    }

    private static List<Integer> integers(List<Object> values) {
        return values.stream().map(v -> ((Number) v).intValue()).collect(Collectors.toList());
    }
}
