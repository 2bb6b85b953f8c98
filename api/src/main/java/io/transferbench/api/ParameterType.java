package io.transferbench.api;

/** The value types a component parameter can have. */
public enum ParameterType {
    /** A whole number, held as {@code long}. */
    INTEGER,
    /** A real number, held as {@code double}; whole numbers are accepted. */
    NUMBER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** Free text. */
    STRING,
    /** One of the strings listed by {@link ParameterSpec#choices()}. */
    CHOICE;

    /** The word used in error messages and docs. */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
