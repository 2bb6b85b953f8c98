package io.transferbench.runtime.internal.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Interactive line charts drawn in the page by uPlot (MIT, from its WebJar, inlined once per page so that the
 * report still opens offline and fetches nothing): hover shows every series' value at the cursor in the legend,
 * a click on a legend entry hides or shows its series, dragging over the plot zooms in on an x range and a
 * double click zooms out. Each chart carries its data as JSON in a {@code data-chart} attribute; the PNG version
 * stays inside {@code <noscript>} for readers without scripts (mail clients).
 */
public final class InteractiveChart {

    private static final String WEBJAR = "META-INF/resources/webjars/uplot/1.6.30/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a series is drawn. */
    public enum Style {
        /** A line with small markers. */
        LINE,
        /** A dashed line (evaluation loss beside training loss, a band's edges). */
        DASHED,
        /** Large filled markers, no line: events on a curve (transfer points). */
        MARKERS,
        /** Small markers, no line: one trial among several. */
        DOTS,
        /** A step line: a value that holds until it changes (e and P of a schedule). */
        STEPS
    }

    /** One series in a network's (or configuration's) colour. */
    public record Series(String label, List<Double> x, List<Double> y, String colour, Style style) {
    }

    private InteractiveChart() {
    }

    private static String resource(String path) {
        ClassLoader loader = InteractiveChart.class.getClassLoader();
        try (InputStream in = (loader != null ? loader : ClassLoader.getSystemClassLoader())
                .getResourceAsStream(WEBJAR + path)) {
            if (in == null) {
                throw new IllegalStateException("uPlot's " + path + " is missing from the class path (the "
                        + "org.webjars.npm:uplot JAR)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read uPlot's " + path, e);
        }
    }

    /** What a page with interactive charts needs once, in its head: uPlot's style and code and our set-up. */
    public static String assets() {
        return "<style>" + resource("dist/uPlot.min.css") + "\n.tb-chart{margin:0.6em 0}</style>\n<script>"
                + resource("dist/uPlot.iife.min.js") + "</script>\n<script>" + SETUP + "</script>\n";
    }

    /** Turns every {@code .tb-chart} element into a uPlot chart once the page has loaded. */
    private static final String SETUP = """
            window.addEventListener('load', function () {
              document.querySelectorAll('.tb-chart').forEach(function (el) {
                var c = JSON.parse(el.getAttribute('data-chart'));
                var series = [{label: c.xTitle}];
                c.series.forEach(function (s) {
                  var line = s.style === 'LINE' || s.style === 'DASHED' || s.style === 'STEPS';
                  var k = series.length - 1;
                  series.push({label: s.label, stroke: line ? s.colour : 'transparent', width: line ? 2 : 0,
                    // steps of several networks often coincide: offset dashes keep each visible
                    dash: s.style === 'DASHED' ? [6, 4] : s.style === 'STEPS' && k > 0 ? [10 - 2 * (k % 4), 4] : undefined,
                    paths: s.style === 'STEPS' ? uPlot.paths.stepped({align: 1}) : undefined, spanGaps: true,
                    points: {show: s.style !== 'DASHED', size: s.style === 'MARKERS' ? 11 : 5, stroke: s.colour,
                             fill: s.style === 'MARKERS' ? s.colour : '#fff'}});
                });
                var plot = new uPlot({title: c.title, width: 760, height: 320, series: series,
                  scales: {x: {time: false}},
                  axes: [c.integerX ? {label: c.xTitle, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]}
                                    : {label: c.xTitle}, {label: c.yTitle, size: 70}],
                  cursor: {drag: {x: true, y: false}}}, c.data, el);
                el.setAttribute('data-rendered', 'true');
                el.plot = plot;
              });
            });
            """;

    /**
     * The chart as a {@code div} uPlot fills in, with {@code fallback} (an {@code <img>}) for readers without
     * scripts. The series' x values are merged into one sorted axis; a series without a value there has a gap.
     */
    public static String html(String title, String xTitle, String yTitle, List<Series> series, String fallback) {
        TreeSet<Double> xs = new TreeSet<>();
        series.forEach(s -> xs.addAll(s.x()));
        List<Double> axis = new ArrayList<>(xs);
        ObjectNode chart = JSON.createObjectNode();
        chart.put("title", title);
        chart.put("xTitle", xTitle);
        chart.put("yTitle", yTitle);
        // whole-number axes (epochs) get whole-number ticks only
        chart.put("integerX", xs.stream().allMatch(v -> v == Math.rint(v)));
        ArrayNode data = chart.putArray("data");
        ArrayNode x = data.addArray();
        axis.forEach(x::add);
        ArrayNode list = chart.putArray("series");
        for (Series s : series) {
            ObjectNode node = list.addObject();
            node.put("label", s.label());
            node.put("colour", s.colour());
            node.put("style", s.style().name());
            ArrayNode y = data.addArray();
            for (double at : axis) {
                int i = s.x().indexOf(at);
                if (i < 0 || s.y().get(i) == null || !Double.isFinite(s.y().get(i))) {
                    y.addNull();
                } else {
                    y.add(s.y().get(i));
                }
            }
        }
        String json;
        try {
            json = JSON.writeValueAsString(chart);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "<div class=\"tb-chart\" role=\"img\" aria-label=\"" + Html.escape(title) + "\" data-chart=\""
                + Html.escape(json) + "\"></div><noscript>" + fallback + "</noscript>\n";
    }

    /** The colours networks get, in order of first appearance in a report: the same network, the same colour. */
    private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};

    /** The {@code index}-th colour of the palette (cycling), as {@code #rrggbb}. */
    public static String colour(int index) {
        return PALETTE[Math.floorMod(index, PALETTE.length)];
    }

    /** The same colour for XChart. */
    public static java.awt.Color awtColour(int index) {
        return java.awt.Color.decode(colour(index).toUpperCase(Locale.ROOT));
    }
}
