/**
 * The event publisher over Guava's EventBus (opened to Guava) and {@code events.jsonl}'s format, read
 * and written in one place.
 */
package io.transferbench.runtime.internal.events;
