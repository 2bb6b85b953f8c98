package io.transferbench.runtime.internal.events;

/** A listener (named by its component id and JAR, or its class) threw while handling an event. */
public record ListenerFailure(String listener, String eventType, String error) {
    @Override
    public String toString() {
        return listener + " failed on " + eventType + ": " + error;
    }
}
