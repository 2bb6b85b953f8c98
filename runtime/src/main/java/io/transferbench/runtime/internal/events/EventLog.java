package io.transferbench.runtime.internal.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.transferbench.api.event.CheckpointWrittenEvent;
import io.transferbench.api.event.CoefficientChosenEvent;
import io.transferbench.api.event.CoefficientEvaluatedEvent;
import io.transferbench.api.event.ExpertFinetunedEvent;
import io.transferbench.api.event.ModelSelectedEvent;
import io.transferbench.api.event.SelectionMeasuredEvent;
import io.transferbench.api.event.TaskDistancesEvent;
import io.transferbench.api.event.TaskEmbeddedEvent;
import io.transferbench.api.event.PatchDiagnosticsEvent;
import io.transferbench.api.event.CompressionStepCompletedEvent;
import io.transferbench.api.event.EpochEndedEvent;
import io.transferbench.api.event.EpochStartedEvent;
import io.transferbench.api.event.FiltersTransferredEvent;
import io.transferbench.api.event.LifecycleEvent;
import io.transferbench.api.event.NetworkEvaluatedEvent;
import io.transferbench.api.event.PruningStepCompletedEvent;
import io.transferbench.api.event.RunFinishedEvent;
import io.transferbench.api.event.RunResumedEvent;
import io.transferbench.api.event.RunStartedEvent;
import io.transferbench.api.event.ScheduleAdjustedEvent;
import io.transferbench.api.event.ScheduleInitializedEvent;
import io.transferbench.api.event.StageFinishedEvent;
import io.transferbench.api.event.StageStartedEvent;
import io.transferbench.api.event.TransferPointReachedEvent;
import io.transferbench.api.event.WarningIssuedEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The format of {@code events.jsonl}, both ways: one JSON object a line, the event's fields plus
 * {@code type} (the event's {@link LifecycleEvent#type()}) and {@code time}. The one place that maps
 * type names to the API's event records; the recorder, resume, the report and {@code compare} all
 * read and write through it.
 */
public final class EventLog {

    /** The file's name in a run folder. */
    public static final String FILE = "events.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final Map<String, Class<? extends LifecycleEvent>> TYPES = byType(RunStartedEvent.class,
            RunResumedEvent.class, RunFinishedEvent.class, StageStartedEvent.class, StageFinishedEvent.class, EpochStartedEvent.class,
            EpochEndedEvent.class, NetworkEvaluatedEvent.class, WarningIssuedEvent.class, ScheduleInitializedEvent.class,
            TransferPointReachedEvent.class, FiltersTransferredEvent.class, ScheduleAdjustedEvent.class,
            PruningStepCompletedEvent.class, CompressionStepCompletedEvent.class, CoefficientEvaluatedEvent.class,
            CoefficientChosenEvent.class, PatchDiagnosticsEvent.class, TaskEmbeddedEvent.class, TaskDistancesEvent.class, ExpertFinetunedEvent.class,
            ModelSelectedEvent.class, SelectionMeasuredEvent.class, CheckpointWrittenEvent.class);

    /** One line of the log: where it was, when the event happened, and the event. */
    public record Entry(int line, Instant time, LifecycleEvent event) {
    }

    private EventLog() {
    }

    @SafeVarargs
    private static Map<String, Class<? extends LifecycleEvent>> byType(Class<? extends LifecycleEvent>... classes) {
        Map<String, Class<? extends LifecycleEvent>> map = new LinkedHashMap<>();
        for (Class<? extends LifecycleEvent> c : classes) {
            String simple = c.getSimpleName();
            map.put(simple.substring(0, simple.length() - "Event".length()), c);
        }
        return java.util.Collections.unmodifiableMap(map);
    }

    /**
     * The table of {@code docs/events.md}: each type in the order a run publishes them, with its fields
     * (besides {@code type} and {@code time}) and their JSON types.
     */
    public static String markdownReference() {
        StringBuilder out = new StringBuilder("| type | fields |\n| --- | --- |\n");
        TYPES.forEach((type, c) -> {
            List<String> fields = new ArrayList<>();
            for (java.lang.reflect.RecordComponent r : c.getRecordComponents()) {
                fields.add("`" + r.getName() + "` " + jsonType(r.getType()));
            }
            out.append("| `").append(type).append("` | ").append(String.join(", ", fields)).append(" |\n");
        });
        return out.toString();
    }

    private static String jsonType(Class<?> type) {
        if (type == int.class || type == long.class) {
            return "integer";
        }
        if (type == double.class) {
            return "number";
        }
        if (type == boolean.class) {
            return "boolean";
        }
        if (type.isEnum()) {
            return "one of " + String.join(", ", java.util.Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .toList());
        }
        return type == String.class ? "text" : type == List.class ? "list" : "object";
    }

    /** The line (without its line break) that records {@code event} at {@code time}. */
    public static String encode(LifecycleEvent event, Instant time) {
        if (!TYPES.containsKey(event.type())) {
            throw new IllegalArgumentException("events.jsonl has no type " + event.type() + " (" + event.getClass() + ")");
        }
        ObjectNode line = JSON.createObjectNode();
        line.put("type", event.type());
        line.put("time", time.toString());
        line.setAll((ObjectNode) JSON.valueToTree(event));
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + event.type(), e);
        }
    }

    /** Every event of a log file, in order; an error names the file, the line and what is wrong there. */
    public static List<Entry> read(Path file) throws IOException {
        return read(file, Long.MAX_VALUE);
    }

    /**
     * The events in the first {@code bytes} bytes of a log file. A last line without its line break is
     * one a killed run was writing: it is left out when it does not parse, never reported as damage.
     */
    public static List<Entry> read(Path file, long bytes) throws IOException {
        byte[] all = Files.readAllBytes(file);
        String text = new String(all, 0, (int) Math.min(all.length, bytes), StandardCharsets.UTF_8);
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank()) {
                continue;
            }
            boolean unfinished = i == lines.length - 1; // no line break after it
            try {
                entries.add(decode(file, i + 1, line));
            } catch (IOException e) {
                if (!unfinished) {
                    throw e;
                }
            }
        }
        return entries;
    }

    /** The events alone, in order. */
    public static List<LifecycleEvent> events(Path file) throws IOException {
        return read(file).stream().map(Entry::event).toList();
    }

    /** The events of one type, in order. */
    public static <E extends LifecycleEvent> Stream<E> of(List<? extends LifecycleEvent> events, Class<E> type) {
        return events.stream().filter(type::isInstance).map(type::cast);
    }

    private static Entry decode(Path file, int number, String line) throws IOException {
        String where = file + ":" + number + ": ";
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IOException(where + "not a JSON event: " + e.getOriginalMessage(), e);
        }
        String type = node.path("type").asText("");
        Class<? extends LifecycleEvent> c = TYPES.get(type);
        if (c == null) {
            throw new IOException(where + "unknown event type '" + type + "'; known: "
                    + String.join(", ", TYPES.keySet().stream().sorted().toList()));
        }
        Instant time;
        try {
            time = Instant.parse(node.path("time").asText());
        } catch (DateTimeParseException e) {
            throw new IOException(where + "field 'time' is not an instant (e.g. 2026-12-01T10:00:00Z): "
                    + node.path("time"), e);
        }
        try {
            return new Entry(number, time, JSON.treeToValue(node, c));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(where + "not a valid " + type + " event: " + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
    }
}
