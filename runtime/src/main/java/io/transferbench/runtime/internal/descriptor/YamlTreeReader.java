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
        try (Reader reader = new StringReader(text); JsonParser parser = YAML.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw single(fileName, 1, 1, "the descriptor is empty; it needs at least 'name', 'tasks', 'networks' and 'stages'");
            }
            List<DescriptorProblem> problems = new ArrayList<>();
            YamlNode root = readValue(parser, fileName, "", problems);
            if (!problems.isEmpty()) {
                throw new DescriptorException(problems);
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String message = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
            throw single(fileName, at == null ? 1 : Math.max(1, at.getLineNr()), at == null ? 1 : Math.max(1, at.getColumnNr()),
                    "not valid YAML: " + message);
        } catch (IOException e) {
            throw single(fileName, 1, 1, "the descriptor cannot be read: " + e.getMessage());
        }
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
                    return new YamlNode.Scalar(parser.getText(), at);
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
