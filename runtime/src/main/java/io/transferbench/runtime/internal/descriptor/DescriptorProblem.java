package io.transferbench.runtime.internal.descriptor;

/**
 * One thing wrong with a descriptor: where, which field, and what would be right.
 *
 * @param path the field, e.g. {@code stages[1].frequency.rule}; empty for the whole file
 */
public record DescriptorProblem(Location location, String path, String message) {
    @Override
    public String toString() {
        return visible(location + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    /** The text with invisible and control characters written as {@code \\uXXXX}, so a stray one shows. */
    static String visible(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            int type = Character.getType(c);
            boolean invisible = c != ' ' && (Character.isISOControl(c) || type == Character.FORMAT
                    || type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR);
            if (invisible) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
