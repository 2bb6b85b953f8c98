package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.events.ListenerFailure;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How one trial's run ended.
 *
 * @param finishedBefore the run had already finished when {@code resume} was asked to continue it
 */
public record RunOutcome(Path runFolder, boolean succeeded, List<ListenerFailure> listenerFailures,
                         Optional<String> failure, boolean finishedBefore) {
    public RunOutcome {
        listenerFailures = List.copyOf(listenerFailures);
    }
}
