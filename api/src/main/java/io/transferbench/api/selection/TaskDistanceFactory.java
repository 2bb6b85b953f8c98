package io.transferbench.api.selection;

import io.transferbench.api.ComponentFactory;

/** The service a plugin provides to contribute a task distance. */
public interface TaskDistanceFactory extends ComponentFactory<TaskDistance> {
}
