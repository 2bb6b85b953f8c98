package io.transferbench.runtime.internal.pipeline;

import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.LifecycleListener;
import io.transferbench.runtime.internal.events.EventLog;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;

/**
 * Appends every event to {@code events.jsonl}, one JSON object a line, flushed as it happens, so
 * an interrupted run keeps everything up to its last event, in {@link EventLog}'s format.
 */
public final class EventRecorder implements LifecycleListener, Closeable {

    private final BufferedWriter out;
    private final Clock clock;

    public EventRecorder(Path eventsFile, Clock clock) {
        this.clock = clock;
        try {
            this.out = Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + eventsFile, e);
        }
    }

    @Override
    public void onEvent(LifecycleEvent event) {
        try {
            out.write(EventLog.encode(event, clock.instant()));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to events.jsonl", e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
