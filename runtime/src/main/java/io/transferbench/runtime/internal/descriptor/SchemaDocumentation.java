package io.transferbench.runtime.internal.descriptor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the pipeline schema as JSON Schema and as the field tables of {@code docs/descriptor.md},
 * so both documents follow the schema that validation uses (a test fails when they drift).
 */
public final class SchemaDocumentation {

    private SchemaDocumentation() {
    }

    public static String jsonSchema(Schema.ObjectSchema pipeline) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", "https://transferbench.io/descriptor.schema.json");
        root.put("title", "Transferbench pipeline descriptor");
        root.putAll(pipeline.jsonSchema());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Markdown tables: one for the top level and one per nested object, stage type and task/network entry. */
    public static String markdownReference(Schema.ObjectSchema pipeline) {
        StringBuilder out = new StringBuilder();
        walk("Top level", "", pipeline, (title, prefix, schema) -> table(title, prefix, schema, out));
        return out.toString();
    }

    /** Every documented key path, e.g. {@code stages[].frequency.rule}. */
    public static List<String> keyPaths(Schema.ObjectSchema pipeline) {
        List<String> paths = new ArrayList<>();
        walk("Top level", "", pipeline, (title, prefix, schema) -> schema.fields.keySet().forEach(k -> paths.add(prefix + k)));
        return paths;
    }

    /** What is done with each object of the schema: its title, its keys' prefix and its schema. */
    @FunctionalInterface
    private interface ObjectVisitor {
        void visit(String title, String prefix, Schema.ObjectSchema schema);
    }

    /** Visits an object, then each nested object, entry schema and stage type in key order. */
    private static void walk(String title, String prefix, Schema.ObjectSchema schema, ObjectVisitor visitor) {
        visitor.visit(title, prefix, schema);
        for (Schema.Field f : schema.fields.values()) {
            String path = prefix + f.name();
            Schema s = f.schema();
            if (s instanceof Schema.ListSchema list) {
                s = list.item;
                path += "[]";
            }
            if (s instanceof Schema.ObjectSchema object) {
                walk("`" + path + "`", path + ".", object, visitor);
            } else if (s instanceof Schema.NamedEntriesSchema entries) {
                walk("`" + path + ".<name>`", path + ".<name>.", entries.value, visitor);
            } else if (s instanceof Schema.VariantSchema variants) {
                for (Map.Entry<String, Schema.ObjectSchema> v : variants.variants.entrySet()) {
                    walk("Stage `" + v.getKey() + "`", path + ".", v.getValue(), visitor);
                }
            }
        }
    }

    private static void table(String title, String prefix, Schema.ObjectSchema schema, StringBuilder out) {
        out.append("### ").append(title).append("\n\n");
        if (!schema.description().isEmpty()) {
            out.append(schema.description()).append("\n\n");
        }
        out.append("| key | value | default | meaning |\n| --- | --- | --- | --- |\n");
        for (Schema.Field f : schema.fields.values()) {
            String def = f.required() ? "required" : f.defaultValue() == null ? "optional" : "`" + f.defaultValue() + "`";
            out.append("| `").append(prefix).append(f.name()).append("` | ").append(cell(f.schema().expected()))
                    .append(" | ").append(def).append(" | ").append(cell(f.schema().description())).append(" |\n");
        }
        out.append("\n");
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
