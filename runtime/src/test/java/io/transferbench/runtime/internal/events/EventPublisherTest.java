package io.transferbench.runtime.internal.events;

import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.LifecycleListener;
import io.transferbench.api.event.StageStartedEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventPublisherTest {

    static final class ThrowingListener implements LifecycleListener {
        @Override
        public void onEvent(LifecycleEvent event) {
            throw new IllegalStateException("disk full");
        }
    }

    @Test
    void throwingListenerDoesNotStopTheOthersAndIsRecordedWithItsClass() {
        EventPublisher publisher = new EventPublisher();
        List<LifecycleEvent> before = new ArrayList<>();
        List<LifecycleEvent> after = new ArrayList<>();
        publisher.register(before::add);
        publisher.register(new ThrowingListener());
        publisher.register(after::add);

        StageStartedEvent event = new StageStartedEvent("pretrain-1", "pretrain", 0, Map.of());
        publisher.publish(event);
        publisher.publish(event);

        assertEquals(List.of(event, event), before);
        assertEquals(List.of(event, event), after);
        assertEquals(2, publisher.failures().size());
        ListenerFailure failure = publisher.failures().get(0);
        assertEquals(ThrowingListener.class.getName(), failure.listener());
        assertEquals("StageStarted", failure.eventType());
        assertTrue(failure.error().contains("disk full"), failure.error());
    }

    @Test
    void eventWithoutListenersIsNotAFailure() {
        EventPublisher publisher = new EventPublisher();
        publisher.publish(new StageStartedEvent("s", "evaluate", 0, Map.of()));
        assertTrue(publisher.failures().isEmpty());
    }

    @Test
    void eventTypeDropsTheEventSuffix() {
        assertEquals("StageStarted", new StageStartedEvent("s", "evaluate", 0, Map.of()).type());
    }
}
