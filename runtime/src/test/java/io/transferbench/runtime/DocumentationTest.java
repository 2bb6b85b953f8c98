package io.transferbench.runtime;

import io.transferbench.runtime.internal.descriptor.SchemaDocumentation;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The descriptor's JSON Schema and reference tables are generated from the schema validation uses;
 * the committed docs must match. Regenerate with
 * {@code mvn -pl runtime test -Dtest=DocumentationTest -Dtransferbench.updateDocs=true}.
 */
class DocumentationTest {

    private static final Path DOCS = Path.of(System.getProperty("user.dir")).resolve("../docs").normalize();
    private static final String START = "<!-- generated from the schema: start -->";
    private static final String END = "<!-- generated from the schema: end -->";
    private static final boolean UPDATE = Boolean.getBoolean("transferbench.updateDocs");
    private static final io.transferbench.runtime.internal.descriptor.Schema.ObjectSchema PIPELINE =
            io.transferbench.runtime.internal.stages.BuiltInStageTypes.all().pipelineSchema();

    @Test
    void jsonSchemaMatchesTheValidatorsSchema() throws IOException {
        Path file = DOCS.resolve("descriptor.schema.json");
        String generated = SchemaDocumentation.jsonSchema(PIPELINE);
        if (UPDATE) {
            Files.writeString(file, generated);
        }
        assertEquals(generated, Files.readString(file), file + " is stale; regenerate it (see this test's Javadoc)");
    }

    @Test
    void descriptorReferenceDocumentsEveryKey() throws IOException {
        Path file = DOCS.resolve("descriptor.md");
        String text = Files.readString(file);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        assertTrue(start >= 0 && end > start, file + " lacks the generated-section markers");
        String generated = SchemaDocumentation.markdownReference(PIPELINE);
        if (UPDATE) {
            text = text.substring(0, start + START.length()) + "\n\n" + generated + text.substring(end);
            Files.writeString(file, text);
            end = text.indexOf(END);
        }
        String section = text.substring(start + START.length(), end).strip();
        assertEquals(generated.strip(), section, file + " is stale; regenerate it (see this test's Javadoc)");
        for (String key : SchemaDocumentation.keyPaths(PIPELINE)) {
            assertTrue(section.contains("`" + key + "`"), "undocumented key " + key);
        }
    }

    @Test
    void eventReferenceListsEveryEventAndField() throws IOException {
        Path file = DOCS.resolve("events.md");
        String text = Files.readString(file);
        String start = "<!-- generated from the event records: start -->";
        String end = "<!-- generated from the event records: end -->";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        assertTrue(from >= 0 && to > from, file + " lacks the generated-section markers");
        String generated = io.transferbench.runtime.internal.events.EventLog.markdownReference();
        if (UPDATE) {
            text = text.substring(0, from + start.length()) + "\n\n" + generated + "\n" + text.substring(to);
            Files.writeString(file, text);
            to = text.indexOf(end);
        }
        assertEquals(generated.strip(), text.substring(from + start.length(), to).strip(),
                file + " is stale; regenerate it (see this test's Javadoc)");
    }
}
