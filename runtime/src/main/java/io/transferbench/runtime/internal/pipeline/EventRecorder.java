package io.transferbench.runtime.internal.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.LifecycleListener;

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
 * an interrupted run keeps everything up to its last event. The line holds the event's fields plus
 * {@code type} and {@code time}.
 */
public final class EventRecorder implements LifecycleListener, Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();

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
        ObjectNode line = JSON.createObjectNode();
        line.put("type", event.type());
        line.put("time", clock.instant().toString());
        line.setAll((ObjectNode) JSON.valueToTree(event));
        try {
            out.write(JSON.writeValueAsString(line));
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
