package io.transferbench.api.event;

import io.transferbench.api.ComponentFactory;

/** The service a plugin provides to contribute a listener named in a descriptor's {@code listeners}. */
public interface LifecycleListenerFactory extends ComponentFactory<LifecycleListener> {
}
