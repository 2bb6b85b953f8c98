package io.transferbench.api.event;

/** Marker of every event the runtime publishes. */
public interface LifecycleEvent {

    /** The event's type name as written to {@code events.jsonl}, e.g. {@code EpochEnded}. */
    default String type() {
        String simple = getClass().getSimpleName();
        return simple.endsWith("Event") ? simple.substring(0, simple.length() - "Event".length()) : simple;
    }
}
