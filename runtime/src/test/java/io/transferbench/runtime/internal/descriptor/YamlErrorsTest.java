package io.transferbench.runtime.internal.descriptor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Descriptors broken below the schema (the YAML itself, the bytes of the file), each reported at the
 * offending character in plain words.
 */
class YamlErrorsTest {

    @TempDir
    Path dir;

    private static final DescriptorValidator VALIDATOR = new DescriptorValidator(MalformedDescriptorTest.registry(),
            io.transferbench.runtime.internal.stages.BuiltInStageTypes.all().pipelineSchema());

    /** The one problem a file with these bytes gets, as printed. */
    private String problem(byte[] bytes) throws Exception {
        Path file = Files.write(dir.resolve("broken.yaml"), bytes);
        DescriptorException e = assertThrows(DescriptorException.class, () -> VALIDATOR.validate(file));
        List<String> all = e.problems().stream().map(Object::toString).toList();
        assertTrue(!all.isEmpty());
        return all.get(0).substring(file.toString().length() + 1);
    }

    private String problem(String text) throws Exception {
        return problem(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The valid descriptor with line {@code line} (1-based) replaced. */
    private static String withLine(int line, String text) {
        return MalformedDescriptorTest.replaceLine(line, text);
    }

    @Test
    void aTabInTheIndentationIsReportedWhereItIs() throws Exception {
        assertEquals("4:1: a tab in the indentation; YAML indents with spaces only",
                problem(withLine(4, "\tsource:")));
    }

    @Test
    void anUnclosedQuoteIsReportedAtTheQuote() throws Exception {
        assertEquals("1:7: the quote that opens here is never closed; close it on the same value",
                problem(withLine(1, "name: \"demo")));
    }

    @Test
    void aControlCharacterIsReportedWhereItIs() throws Exception {
        assertEquals("6:14: control character U+0007 is not allowed in YAML; delete it",
                problem(withLine(6, "    classes: \u0007[0, 1, 2, 3, 4]")));
    }

    @Test
    void aFileThatIsNotUtf8IsSaidSo() throws Exception {
        byte[] latin1 = withLine(2, "seed: 1 # r\u00e9sum\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("2:12: not UTF-8 text: byte 0xE9 cannot be decoded; save the descriptor as UTF-8", problem(latin1));
    }

    @Test
    void aByteOrderMarkIsNotContent() throws Exception {
        Path file = Files.writeString(dir.resolve("bom.yaml"), "\uFEFF" + MalformedDescriptorTest.VALID);
        assertEquals("demo", VALIDATOR.validate(file).name());
    }

    @Test
    void aSecondDocumentIsRejected() throws Exception {
        String message = problem(MalformedDescriptorTest.VALID + "---\nname: other\n");
        assertTrue(message.startsWith("16:1: a second YAML document starts here; a descriptor is one document"), message);
    }

    @Test
    void anAliasIsRejectedWithAMessage() throws Exception {
        String message = problem(withLine(13, "    epochs: &ten 10").replace("networks: [a, b]", "networks: [a, *ten]"));
        assertTrue(message.startsWith("12:19: stages[0].networks[1]: YAML aliases (*ten) are not supported; write the "
                + "value out"), message);
    }

    @Test
    void anIntegerBeyond64BitsIsNamedAsSuch() throws Exception {
        String message = problem(withLine(2, "seed: 99999999999999999999"));
        assertEquals("2:7: seed: the integer 99999999999999999999 is out of range; integers are at most "
                + Long.MAX_VALUE, message);
    }

    @Test
    void invisibleCharactersInAKeyAreShown() throws Exception {
        String message = problem(withLine(2, "se\u200Bed: 1"));
        assertTrue(message.startsWith("2:1: se\\u200Bed: unknown key"), message);
    }

    @Test
    void anUnreadableFileSaysPermissionDenied() throws Exception {
        Path file = Files.writeString(dir.resolve("secret.yaml"), MalformedDescriptorTest.VALID);
        assertTrue(file.toFile().setReadable(false, false));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(file), "root reads every file");
        DescriptorException e = assertThrows(DescriptorException.class, () -> VALIDATOR.validate(file));
        assertEquals(file + ":1:1: permission denied: the descriptor cannot be read by this user",
                e.problems().get(0).toString());
    }

    @Test
    void commonSyntaxErrorsAreSaidInPlainWords() throws Exception {
        assertEquals("2:6: a tab character; YAML separates and indents with spaces only", problem(withLine(2, "seed:\t1")));
        assertEquals("2:5: the list opened with '[' at 1:7 is not closed; expected ',' or ']' here",
                problem(withLine(1, "name: [demo")));
        String mapping = problem(withLine(8, "  a: {model: small-cnn, task: source"));
        assertTrue(mapping.contains(": the mapping opened with '{' at 8:6 is not closed; expected ',' or '}' here"), mapping);
        String indented = problem(withLine(2, "  seed: 1"));
        assertTrue(indented.startsWith("2:7: a key cannot start here: check this line's indentation"), indented);
        String escape = problem(withLine(1, "name: \"de\\qmo\""));
        assertTrue(escape.startsWith("1:") && escape.contains("an unknown escape in double-quoted text"), escape);
    }
}
