/**
 * Lifecycle events the runtime publishes as a run progresses, and the listener SPI.
 *
 * <p>Events are immutable records named {@code <Subject><PastTense>Event}. They report what
 * happened; a listener observes and never steers. Every decision a run makes is an event, so a run
 * can be recounted from its {@code events.jsonl} alone. Provide a
 * {@link io.transferbench.api.event.LifecycleListenerFactory} to observe them.
 */
package io.transferbench.api.event;
