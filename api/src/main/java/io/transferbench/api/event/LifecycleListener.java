package io.transferbench.api.event;

/**
 * Observes events. Called synchronously on the training thread, in publication order: keep it quick.
 * An exception thrown here is logged and recorded; it never stops other listeners, and the run
 * fails (or warns, as the descriptor says) at its end.
 */
public interface LifecycleListener {

    void onEvent(LifecycleEvent event);
}
