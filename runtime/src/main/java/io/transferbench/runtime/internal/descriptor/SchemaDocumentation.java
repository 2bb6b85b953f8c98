package io.transferbench.runtime.internal.descriptor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@link PipelineSchema} as JSON Schema and as the field tables of {@code docs/descriptor.md},
 * so both documents follow the schema that validation uses (a test fails when they drift).
 */
public final class SchemaDocumentation {

    private SchemaDocumentation() {
    }

    public static String jsonSchema() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$id", "https://transferbench.io/descriptor.schema.json");
        root.put("title", "Transferbench pipeline descriptor");
        root.putAll(PipelineSchema.root().jsonSchema());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Markdown tables: one for the top level and one per nested object, stage type and task/network entry. */
    public static String markdownReference() {
        StringBuilder out = new StringBuilder();
        table("Top level", "", PipelineSchema.root(), out);
        return out.toString();
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
        for (Schema.Field f : schema.fields.values()) {
            String path = prefix + f.name();
            Schema s = f.schema();
            if (s instanceof Schema.ListSchema) {
                s = ((Schema.ListSchema) s).item;
                path += "[]";
            }
            if (s instanceof Schema.ObjectSchema) {
                table("`" + path + "`", path + ".", (Schema.ObjectSchema) s, out);
            } else if (s instanceof Schema.NamedEntriesSchema) {
                table("`" + path + ".<name>`", path + ".<name>.", ((Schema.NamedEntriesSchema) s).value, out);
            } else if (s instanceof Schema.VariantSchema) {
                for (Map.Entry<String, Schema.ObjectSchema> v : ((Schema.VariantSchema) s).variants.entrySet()) {
                    table("Stage `" + v.getKey() + "`", path + ".", v.getValue(), out);
                }
            }
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** Every documented key path, e.g. {@code stages[].frequency.rule}. */
    public static List<String> keyPaths() {
        List<String> paths = new java.util.ArrayList<>();
        markdownReference().lines().filter(l -> l.startsWith("| `"))
                .forEach(l -> paths.add(l.substring(3, l.indexOf('`', 3))));
        return paths;
    }
}
