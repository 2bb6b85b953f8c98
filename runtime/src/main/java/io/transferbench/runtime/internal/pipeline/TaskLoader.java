package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.data.DataException;
import io.transferbench.runtime.internal.data.DatasetLoader;
import io.transferbench.runtime.internal.data.DatasetSplits;
import io.transferbench.runtime.internal.data.TaskData;
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
                tasks.put(e.getKey(), TaskData.cut(e.getKey(), splits, new TaskData.Cut(classes,
                        task.optionalInteger("train-per-class").orElse(0L).intValue(),
                        task.optionalInteger("eval-per-class").orElse(0L).intValue())));
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
