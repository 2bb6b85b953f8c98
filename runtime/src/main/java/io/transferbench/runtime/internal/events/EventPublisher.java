package io.transferbench.runtime.internal.events;

import com.google.common.eventbus.DeadEvent;
import com.google.common.eventbus.EventBus;
import com.google.common.eventbus.Subscribe;
import com.google.common.eventbus.SubscriberExceptionContext;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.LifecycleListener;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The runtime's event publisher. Guava's EventBus stays behind it: listeners implement the API's
 * {@link LifecycleListener} and are registered through runtime-owned adapters, so no plugin needs
 * to open a package to Guava.
 *
 * <p>A listener that throws is logged through Log4j2 and recorded; the other listeners still get
 * the event. The caller decides at the end of a run whether recorded failures fail it.
 */
public final class EventPublisher {

    private static final Logger LOG = LogManager.getLogger(EventPublisher.class);

    private final EventBus bus;
    private final List<ListenerFailure> failures = Collections.synchronizedList(new ArrayList<>());

    public EventPublisher() {
        this.bus = new EventBus(this::handleListenerException);
        bus.register(new DeadEventLogger());
    }

    public void register(LifecycleListener listener) {
        register(listener, listener.getClass().getName());
    }

    /** Registers a listener under the name failures are reported with (a plugin's component id). */
    public void register(LifecycleListener listener, String name) {
        bus.register(new ListenerAdapter(listener, name));
    }

    public void publish(LifecycleEvent event) {
        bus.post(event);
    }

    /** Failures recorded so far, in order. */
    public List<ListenerFailure> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    private void handleListenerException(Throwable error, SubscriberExceptionContext context) {
        Object subscriber = context.getSubscriber();
        String listener = subscriber instanceof ListenerAdapter adapter ? adapter.name : subscriber.getClass().getName();
        String eventType = context.getEvent() instanceof LifecycleEvent
                ? ((LifecycleEvent) context.getEvent()).type() : context.getEvent().getClass().getSimpleName();
        boolean first = failures.stream().noneMatch(f -> f.listener().equals(listener));
        failures.add(new ListenerFailure(listener, eventType, error.toString()));
        if (first) {
            LOG.error("Listener {} failed on {} event: {}; the other listeners still get it", listener, eventType, error,
                    error);
        } else {
            LOG.debug("Listener {} failed again, on {} event: {}", listener, eventType, error);
        }
    }

    /** Adapts one API listener to Guava's annotation-based subscription. */
    static final class ListenerAdapter {
        private final LifecycleListener listener;
        private final String name;

        ListenerAdapter(LifecycleListener listener, String name) {
            this.listener = listener;
            this.name = name;
        }

        @Subscribe
        public void on(LifecycleEvent event) {
            listener.onEvent(event);
        }
    }

    static final class DeadEventLogger {
        @Subscribe
        public void on(DeadEvent dead) {
            LOG.debug("No listener took {}", dead.getEvent());
        }
    }
}
