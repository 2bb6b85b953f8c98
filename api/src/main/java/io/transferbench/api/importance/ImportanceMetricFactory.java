package io.transferbench.api.importance;

import io.transferbench.api.ComponentFactory;

/** The service a plugin provides to contribute an importance metric. */
public interface ImportanceMetricFactory extends ComponentFactory<ImportanceMetric> {
}
