package io.transferbench.runtime.internal.events;

/** A listener threw while handling an event. */
public record ListenerFailure(String listenerClass, String eventType, String error) {
    @Override
    public String toString() {
        return listenerClass + " failed on " + eventType + ": " + error;
    }
}
