package io.transferbench.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Declares one parameter of a component: its name, type, default, range and meaning.
 *
 * <p>Immutable; build one with the static factories and refine it with the {@code with...} methods:
 * <pre>{@code
 * ParameterSpec.integer("images", "Images whose feature maps are ranked.").withDefault(256).withMinimum(1)
 * }</pre>
 * A parameter without a default is required.
 */
public final class ParameterSpec {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private final String name;
    private final ParameterType type;
    private final String description;
    private final Object defaultValue;
    private final Double minimum;
    private final Double maximum;
    private final List<String> choices;

    private ParameterSpec(String name, ParameterType type, String description, Object defaultValue,
                          Double minimum, Double maximum, List<String> choices) {
        this.name = Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name '" + name
                    + "' must be lowercase words joined by hyphens, e.g. 'max-images'");
        }
        this.type = Objects.requireNonNull(type, "type");
        this.description = Objects.requireNonNull(description, "description");
        this.defaultValue = defaultValue;
        this.minimum = minimum;
        this.maximum = maximum;
        this.choices = List.copyOf(choices);
    }

    public static ParameterSpec integer(String name, String description) {
        return new ParameterSpec(name, ParameterType.INTEGER, description, null, null, null, List.of());
    }

    public static ParameterSpec number(String name, String description) {
        return new ParameterSpec(name, ParameterType.NUMBER, description, null, null, null, List.of());
    }

    public static ParameterSpec flag(String name, String description) {
        return new ParameterSpec(name, ParameterType.BOOLEAN, description, null, null, null, List.of());
    }

    public static ParameterSpec string(String name, String description) {
        return new ParameterSpec(name, ParameterType.STRING, description, null, null, null, List.of());
    }

    public static ParameterSpec choice(String name, String description, String... choices) {
        if (choices.length == 0) {
            throw new IllegalArgumentException("a choice parameter needs at least one choice");
        }
        return new ParameterSpec(name, ParameterType.CHOICE, description, null, null, null, List.of(choices));
    }

    /** A copy with this default; the value must suit the type (a {@code Number}, {@code Boolean} or {@code String}). */
    public ParameterSpec withDefault(Object value) {
        Object normalised = normaliseDefault(Objects.requireNonNull(value, "default"));
        return new ParameterSpec(name, type, description, normalised, minimum, maximum, choices);
    }

    /** A copy whose values must be at least {@code min} (numbers only). */
    public ParameterSpec withMinimum(double min) {
        requireNumeric();
        return new ParameterSpec(name, type, description, defaultValue, min, maximum, choices);
    }

    /** A copy whose values must be at most {@code max} (numbers only). */
    public ParameterSpec withMaximum(double max) {
        requireNumeric();
        return new ParameterSpec(name, type, description, defaultValue, minimum, max, choices);
    }

    public String name() {
        return name;
    }

    public ParameterType type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** The default, as {@code Long}, {@code Double}, {@code Boolean} or {@code String}; empty when required. */
    public Optional<Object> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public boolean required() {
        return defaultValue == null;
    }

    public Optional<Double> minimum() {
        return Optional.ofNullable(minimum);
    }

    public Optional<Double> maximum() {
        return Optional.ofNullable(maximum);
    }

    /** The allowed values of a {@link ParameterType#CHOICE} parameter; empty for other types. */
    public List<String> choices() {
        return choices;
    }

    private void requireNumeric() {
        if (type != ParameterType.INTEGER && type != ParameterType.NUMBER) {
            throw new IllegalStateException("parameter '" + name + "' is " + type.displayName()
                    + "; only integer and number parameters have a range");
        }
    }

    private Object normaliseDefault(Object value) {
        switch (type) {
            case INTEGER:
                if (value instanceof Integer || value instanceof Long) {
                    return ((Number) value).longValue();
                }
                break;
            case NUMBER:
                if (value instanceof Number) {
                    return ((Number) value).doubleValue();
                }
                break;
            case BOOLEAN:
                if (value instanceof Boolean) {
                    return value;
                }
                break;
            case STRING:
                if (value instanceof String) {
                    return value;
                }
                break;
            case CHOICE:
                if (value instanceof String && choices.contains(value)) {
                    return value;
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException("default " + value + " does not suit " + type.displayName()
                + " parameter '" + name + "'" + (choices.isEmpty() ? "" : " (choices: " + choices + ")"));
    }

    @Override
    public String toString() {
        return name + " (" + type.displayName() + (required() ? ", required" : ", default " + defaultValue) + ")";
    }
}
