package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.data.TaskData;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What stages hand to each other in one run: the tasks (loaded before anything runs) and the
 * trained networks by name. Networks are engine objects; the pipeline only stores them.
 */
public final class RunState {

    private final Map<String, TaskData> tasks;
    private final Map<String, Object> networks = new LinkedHashMap<>();

    public RunState(Map<String, TaskData> tasks) {
        this.tasks = Map.copyOf(tasks);
    }

    public TaskData task(String name) {
        TaskData t = tasks.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no task '" + name + "'");
        }
        return t;
    }

    public void putNetwork(String name, Object network) {
        networks.put(name, network);
    }

    public <T> Optional<T> network(String name, Class<T> type) {
        return Optional.ofNullable(networks.get(name)).map(type::cast);
    }
}
