package io.transferbench.runtime.internal.descriptor;

import io.transferbench.api.schedule.AdjustmentRuleFactory;
import io.transferbench.api.schedule.ScheduleParameter;
import io.transferbench.runtime.internal.plugins.ComponentKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The vocabulary stage types declare their descriptor keys with: fields, value schemas (choice lists
 * from enums), and checks several stage types share.
 */
public final class Fields {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    static final String NAME_IN_WORDS = "a name of letters, digits, '.', '_' and '-'";

    private Fields() {
    }

    // ------------------------------------------------------------------ fields

    public static Schema.Field required(String name, Schema schema) {
        return new Schema.Field(name, schema, true, null);
    }

    public static Schema.Field optional(String name, Schema schema) {
        return new Schema.Field(name, schema, false, null);
    }

    public static Schema.Field withDefault(String name, Schema schema, Object value) {
        return new Schema.Field(name, schema, false, value);
    }

    // ------------------------------------------------------------------ value schemas

    public static Schema.ObjectSchema object(String description, List<BiConsumer<YamlNode.Mapping, Schema.CheckContext>> checks,
                                             Schema.Field... fields) {
        return new Schema.ObjectSchema(description, Arrays.asList(fields), checks);
    }

    public static Schema integer(String description, Double min, Double max) {
        return Schema.ScalarSchema.integer(description, min, max);
    }

    public static Schema number(String description, Double min, Double max) {
        return Schema.ScalarSchema.number(description, min, max, false);
    }

    /** A number greater than 0 and at most {@code max}. */
    public static Schema positive(String description, Double max) {
        return Schema.ScalarSchema.number(description, 0.0, max, true);
    }

    public static Schema flag(String description) {
        return Schema.ScalarSchema.flag(description);
    }

    public static Schema text(String description) {
        return Schema.ScalarSchema.text(description, null, null);
    }

    public static Schema oneOf(String description, List<String> values) {
        return Schema.ScalarSchema.oneOf(description, values);
    }

    /** One of an enum's constants, written in the descriptor as lower-case words joined by '-'. */
    public static Schema oneOf(String description, Class<? extends Enum<?>> values) {
        return oneOf(description, words(values));
    }

    /** An enum's constants as the descriptor writes them: {@code HALF_EVEN} is {@code half-even}. */
    public static List<String> words(Class<? extends Enum<?>> values) {
        return Arrays.stream(values.getEnumConstants()).map(Fields::word).toList();
    }

    public static String word(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The enum constant a descriptor word names (validation already checked it). */
    public static <E extends Enum<E>> E constant(Class<E> type, String word) {
        return Enum.valueOf(type, word.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The name of an entry under a top-level section ({@code networks}, {@code tasks}). */
    public static Schema reference(String description, String section) {
        return Schema.ScalarSchema.reference(description, section);
    }

    /** A list of unique network names, at least {@code minItems}. */
    public static Schema networks(String description, int minItems) {
        return new Schema.ListSchema(description, reference("A network.", "networks"), minItems, true);
    }

    /** A list of unique task names, at least {@code minItems}. */
    public static Schema tasks(String description, int minItems) {
        return new Schema.ListSchema(description, reference("A task.", "tasks"), minItems, true);
    }

    /** A list of components of one kind, at least {@code minItems}, each resolved and seeded on its own. */
    public static Schema components(String description, ComponentKind kind, int minItems) {
        return new Schema.ListSchema(description, component("One " + kind.displayName() + ".", kind), minItems, false);
    }

    public static Schema component(String description, ComponentKind kind) {
        return new ComponentSchema(description, kind, f -> Optional.empty());
    }

    /** An adjustment rule that can adjust {@code parameter}. */
    public static Schema rule(ScheduleParameter parameter) {
        return new ComponentSchema("The adjustment rule for " + parameter.key() + ".", ComponentKind.ADJUSTMENT_RULE, f -> {
            AdjustmentRuleFactory rule = (AdjustmentRuleFactory) f;
            if (rule.adjustable().contains(parameter)) {
                return Optional.empty();
            }
            return Optional.of("rule '" + rule.id() + "' cannot adjust the " + parameter.key() + "; it adjusts only "
                    + rule.adjustable().stream().map(ScheduleParameter::key).collect(Collectors.joining(" and "))
                    + " (an absolute change in epochs has no meaning for a percentage)");
        });
    }

    /** What a component parameter takes, in the words of the descriptor's messages: "an integer >= 1". */
    public static String expected(io.transferbench.api.ParameterSpec spec) {
        return ComponentSchema.schemaOf(spec).expected();
    }

    // ------------------------------------------------------------------ shared key sets

    /** {@code fields} with another default for {@code name}. */
    public static List<Schema.Field> withDefault(List<Schema.Field> fields, String name, Object value) {
        return fields.stream().map(f -> f.name().equals(name) ? new Schema.Field(name, f.schema(), false, value) : f)
                .toList();
    }

    /** {@code own} followed by {@code shared}: a stage's key list. */
    public static List<Schema.Field> concat(List<Schema.Field> own, List<Schema.Field> shared) {
        List<Schema.Field> all = new ArrayList<>(own);
        all.addAll(shared);
        return all;
    }

    /** A stage that makes {@code network} from {@code from}: the two must differ. */
    public static void checkSourceDiffers(YamlNode.Mapping stage, Schema.CheckContext c) {
        Object from = ((YamlNode.Scalar) stage.entries().get("from").value()).value();
        YamlNode to = stage.entries().get("network").value();
        if (from.equals(((YamlNode.Scalar) to).value())) {
            c.problem(to.location(), "network", "must differ from 'from': this stage creates a new network from '"
                    + from + "', which stays as it was");
        }
    }

    /** A mapping's integer or number value (validation already checked its type). */
    public static double numberAt(YamlNode.Entry entry) {
        return ((Number) ((YamlNode.Scalar) entry.value()).value()).doubleValue();
    }
}
