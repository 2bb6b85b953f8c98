/**
 * Filter importance metrics (pruning criteria): one score per filter of a conv layer, higher
 * meaning more important. Provide an {@link io.transferbench.api.importance.ImportanceMetricFactory}.
 */
package io.transferbench.api.importance;
