package io.transferbench.runtime.internal.report;

/** Small HTML helpers. */
public final class Html {

    static final String STYLE = "body{font-family:DejaVu Sans,Helvetica,Arial,sans-serif;margin:2em auto;max-width:72em;"
            + "color:#222;line-height:1.4}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:.25em .6em;"
            + "text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}"
            + "pre{background:#f7f7f7;padding:1em;overflow-x:auto;font-size:.85em}img{display:block;margin:1em 0}"
            + ".muted{color:#666}";

    private Html() {
    }

    public static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
