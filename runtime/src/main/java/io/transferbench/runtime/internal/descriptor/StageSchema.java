package io.transferbench.runtime.internal.descriptor;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * What a stage type declares for the descriptor: its {@code type}, what it does, its own keys (the
 * common {@code type} and {@code name} are added for every stage) and its cross-field checks.
 * {@link PipelineSchema} assembles the pipeline's schema from the registered stage types' declarations.
 */
public record StageSchema(String type, String description, List<Schema.Field> fields,
                          List<BiConsumer<YamlNode.Mapping, Schema.CheckContext>> checks) {

    public StageSchema {
        fields = List.copyOf(fields);
        checks = List.copyOf(checks);
    }
}
