package io.transferbench.runtime.internal.descriptor;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads YAML into a {@link YamlNode} tree that keeps the line and column of every key and value. */
public final class YamlTreeReader {

    private static final YAMLFactory YAML = new YAMLFactory();

    private YamlTreeReader() {
    }

    public static YamlNode read(String fileName, String text) throws DescriptorException {
        checkCharacters(fileName, text);
        try (Reader reader = new StringReader(text); JsonParser parser = YAML.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw single(fileName, 1, 1, "the descriptor is empty; it needs at least 'name', 'tasks', 'networks' and 'stages'");
            }
            List<DescriptorProblem> problems = new ArrayList<>();
            YamlNode root = readValue(parser, fileName, "", problems);
            if (parser.nextToken() != null) {
                Location at = location(parser, fileName);
                problems.add(new DescriptorProblem(at, "", "a second YAML document starts here; a descriptor is one "
                        + "document (remove the '---' and what follows, or put it in a file of its own)"));
            }
            if (!problems.isEmpty()) {
                throw new DescriptorException(problems);
            }
            return root;
        } catch (JsonProcessingException e) {
            throw syntaxError(fileName, e);
        } catch (IOException e) {
            throw single(fileName, 1, 1, "the descriptor cannot be read: " + e.getMessage());
        }
    }

    /** Tabs in indentation and control characters, found where they are (the parser reports them elsewhere). */
    private static void checkCharacters(String file, String text) throws DescriptorException {
        List<DescriptorProblem> problems = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            for (int col = 0; col < line.length(); col++) {
                char c = line.charAt(col);
                if (c == '\t' && line.substring(0, col).isBlank()) {
                    problems.add(new DescriptorProblem(new Location(file, i + 1, col + 1), "",
                            "a tab in the indentation; YAML indents with spaces only"));
                    break;
                }
                if (Character.isISOControl(c) && c != '\t' && c != '\r') {
                    problems.add(new DescriptorProblem(new Location(file, i + 1, col + 1), "",
                            String.format("control character U+%04X is not allowed in YAML; delete it", (int) c)));
                    break;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new DescriptorException(problems);
        }
    }

    /** A syntax error at the character that causes it, in plain words where the parser's are jargon. */
    private static DescriptorException syntaxError(String file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        int line = at == null ? 1 : Math.max(1, at.getLineNr());
        int column = at == null ? 1 : Math.max(1, at.getColumnNr());
        String message = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
        if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked) {
            org.yaml.snakeyaml.error.Mark context = marked.getContextMark();
            org.yaml.snakeyaml.error.Mark problem = marked.getProblemMark();
            String what = String.valueOf(marked.getContext());
            String found = String.valueOf(marked.getProblem());
            if (problem != null) {
                line = problem.getLine() + 1;
                column = problem.getColumn() + 1;
            }
            String opened = context == null ? "" : " at " + (context.getLine() + 1) + ":" + (context.getColumn() + 1);
            String plain = null;
            if (what.contains("quoted scalar") && found.contains("end of") && context != null) {
                return single(file, context.getLine() + 1, context.getColumn() + 1,
                        "the quote that opens here is never closed; close it on the same value");
            } else if (found.contains("unknown escape character")) {
                plain = "an unknown escape in double-quoted text (" + found.substring(found.indexOf("character") + 10)
                        + "); write a backslash as \\\\, or use single quotes";
            } else if (what.contains("flow sequence")) {
                plain = "the list opened with '['" + opened + " is not closed; expected ',' or ']' here";
            } else if (what.contains("flow mapping")) {
                plain = "the mapping opened with '{'" + opened + " is not closed; expected ',' or '}' here";
            } else if (found.contains("'\\t(TAB)'")) {
                plain = "a tab character; YAML separates and indents with spaces only";
            } else if (found.contains("mapping values are not allowed here")) {
                plain = "a key cannot start here: check this line's indentation, or quote a value that holds ': '";
            } else if (found.startsWith("expected <block end>")) {
                plain = "this line does not fit the indentation of the lines before it (" + found.substring(
                        found.indexOf("found") + 6) + " where a key was expected)";
            }
            if (plain != null) {
                return single(file, line, column, plain);
            }
            message = found + (marked.getContext() == null ? "" : " (" + marked.getContext() + ")");
        }
        return single(file, line, column, "not valid YAML: " + message);
    }

    private static YamlNode readValue(JsonParser parser, String file, String path, List<DescriptorProblem> problems)
            throws IOException {
        Location at = location(parser, file);
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Location keyAt = location(parser, file);
                    parser.nextToken();
                    String childPath = path.isEmpty() ? key : path + "." + key;
                    YamlNode value = readValue(parser, file, childPath, problems);
                    if (entries.containsKey(key)) {
                        problems.add(new DescriptorProblem(keyAt, childPath, "duplicate key; it is already set at "
                                + entries.get(key).keyLocation()));
                    } else {
                        entries.put(key, new YamlNode.Entry(key, keyAt, value));
                    }
                }
                return new YamlNode.Mapping(entries, at);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(parser, file, path + "[" + items.size() + "]", problems));
                }
                return new YamlNode.Sequence(items, at);
            }
            case VALUE_NUMBER_INT:
                try {
                    return new YamlNode.Scalar(parser.getLongValue(), at);
                } catch (IOException tooLarge) {
                    problems.add(new DescriptorProblem(at, path, "the integer " + parser.getText() + " is out of range; "
                            + "integers are at most " + Long.MAX_VALUE));
                    return new YamlNode.Scalar(null, at);
                }
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(parser.getDoubleValue(), at);
            case VALUE_TRUE:
                return new YamlNode.Scalar(Boolean.TRUE, at);
            case VALUE_FALSE:
                return new YamlNode.Scalar(Boolean.FALSE, at);
            case VALUE_NULL:
                return new YamlNode.Scalar(null, at);
            default:
                if (parser instanceof com.fasterxml.jackson.dataformat.yaml.YAMLParser yaml && yaml.isCurrentAlias()) {
                    problems.add(new DescriptorProblem(at, path, "YAML aliases (*" + parser.getText() + ") are not "
                            + "supported; write the value out"));
                }
                return new YamlNode.Scalar(parser.getText(), at);
        }
    }

    private static Location location(JsonParser parser, String file) {
        JsonLocation l = parser.currentTokenLocation();
        return new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    private static DescriptorException single(String file, int line, int column, String message) {
        return new DescriptorException(List.of(new DescriptorProblem(new Location(file, line, column), "", message)));
    }
}
