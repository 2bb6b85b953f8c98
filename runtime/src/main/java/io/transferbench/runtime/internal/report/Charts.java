package io.transferbench.runtime.internal.report;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/** XChart charts in one house style, rendered headless to PNG and embedded as data URIs. */
public final class Charts {

    static final int WIDTH = 760;
    static final int HEIGHT = 340;

    static {
        // rendering needs no display; set before AWT initialises
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    public static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendBorderColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        chart.getStyler().setMarkerSize(5);
        return chart;
    }

    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendBorderColor(Color.WHITE);
        chart.getStyler().setPlotBorderVisible(false);
        return chart;
    }

    public static XYSeries line(XYChart chart, String name, List<Double> x, List<Double> y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    /** A line with error bars of {@code errors} (one standard deviation over trials, say) at each point. */
    public static XYSeries band(XYChart chart, String name, List<Double> x, List<Double> y, List<Double> errors) {
        XYSeries s = chart.addSeries(name, x, y, errors);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    public static XYSeries points(XYChart chart, String name, List<Double> x, List<Double> y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.DIAMOND);
        return s;
    }

    public static XYSeries steps(XYChart chart, String name, List<Double> x, List<Double> y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /**
     * The chart as an interactive one ({@link InteractiveChart}) with the same series, colours and styles, and its
     * PNG for readers without scripts: what every XY chart of a page should use.
     */
    public static String explorable(XYChart chart, String alt) {
        String png = img(chart, alt); // rendering first: XChart gives unstyled series their colours while painting
        List<InteractiveChart.Series> series = new java.util.ArrayList<>();
        int index = 0;
        for (XYSeries s : chart.getSeriesMap().values()) {
            List<Double> x = java.util.Arrays.stream(s.getXData()).boxed().toList();
            List<Double> y = java.util.Arrays.stream(s.getYData()).boxed().toList();
            Color c = s.getLineColor() != null ? s.getLineColor() : s.getMarkerColor();
            String hex = c == null ? InteractiveChart.colour(index)
                    : String.format(java.util.Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
            InteractiveChart.Style style = switch (s.getXYSeriesRenderStyle()) {
                case Scatter -> InteractiveChart.Style.MARKERS;
                case Step -> InteractiveChart.Style.STEPS;
                default -> InteractiveChart.Style.LINE;
            };
            series.add(new InteractiveChart.Series(s.getName(), x, y, hex, style));
            index++;
        }
        return InteractiveChart.html(chart.getTitle(), chart.getXAxisTitle(), chart.getYAxisTitle(), series, png);
    }

    /** The chart as an {@code <img>} with a PNG data URI and a text alternative. */
    public static String img(Chart<?, ?> chart, String alt) {
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return "<img alt=\"" + Html.escape(alt) + "\" width=\"" + WIDTH + "\" height=\"" + HEIGHT
                    + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart '" + alt + "'", e);
        }
    }
}
