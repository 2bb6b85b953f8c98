/** The event publisher over Guava's EventBus, and the runtime's own listeners. Opened to Guava. */
package io.transferbench.runtime.internal.events;
