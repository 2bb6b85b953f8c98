package io.transferbench.runtime.internal.pipeline;

import io.transferbench.runtime.internal.events.ListenerFailure;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How one trial's run ended. */
public record RunOutcome(Path runFolder, boolean succeeded, List<ListenerFailure> listenerFailures,
                         Optional<String> failure) {
    public RunOutcome {
        listenerFailures = List.copyOf(listenerFailures);
    }
}
