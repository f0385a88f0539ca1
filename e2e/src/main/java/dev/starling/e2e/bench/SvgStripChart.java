package dev.starling.e2e.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A strip chart as an SVG document: one column per series, every run a dot, the median a bar, a
 * linear y axis from 0 with labelled ticks. Enough to show a distribution of a few dozen runs in
 * BENCHMARKS.md without a plotting library.
 */
public final class SvgStripChart {
  private static final int WIDTH_PER_SERIES = 150;
  private static final int HEIGHT = 320;
  private static final int LEFT = 60;
  private static final int TOP = 40;
  private static final int BOTTOM = 60;

  private final String title;
  private final String unit;
  private final Map<String, List<Double>> series = new LinkedHashMap<>();

  public SvgStripChart(String title, String unit) {
    this.title = title;
    this.unit = unit;
  }

  /** Adds a column; the values are drawn in their order, left to right within the column. */
  public SvgStripChart series(String label, List<Double> values) {
    series.put(label, List.copyOf(values));
    return this;
  }

  /** The median of {@code values} (the mean of the middle two for an even count). */
  public static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten, at least {@code max}. */
  static double axisMax(double max) {
    if (max <= 0) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * power >= max) {
        return step * power;
      }
    }
    return 10 * power;
  }

  public String render() {
    double max =
        axisMax(series.values().stream().flatMap(List::stream).mapToDouble(d -> d).max().orElse(1));
    int width = LEFT + Math.max(1, series.size()) * WIDTH_PER_SERIES + 20;
    int plot = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n",
            width,
            HEIGHT));
    svg.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, HEIGHT));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"20\" font-size=\"14\">%s</text>%n",
            LEFT,
            escape(title)));
    for (int i = 0; i <= 5; i++) {
      double value = max * i / 5;
      double y = TOP + plot - plot * i / 5.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              LEFT,
              y,
              width - 20,
              y,
              LEFT - 6,
              y + 4,
              format(value)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\""
                + " text-anchor=\"middle\">%s</text>%n",
            TOP + plot / 2,
            TOP + plot / 2,
            escape(unit)));
    int column = 0;
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      double center = LEFT + WIDTH_PER_SERIES * (column + 0.5);
      List<Double> values = e.getValue();
      for (int i = 0; i < values.size(); i++) {
        double x = center - 40 + (values.size() == 1 ? 40 : 80.0 * i / (values.size() - 1));
        double y = TOP + plot - plot * values.get(i) / max;
        svg.append(
            String.format(
                Locale.ROOT,
                "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\""
                    + " fill-opacity=\"0.7\"/>%n",
                x,
                y));
      }
      if (!values.isEmpty()) {
        double m = median(values);
        double y = TOP + plot - plot * m / max;
        svg.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\""
                    + " stroke-width=\"2\"/>%n"
                    + "<text x=\"%.1f\" y=\"%.1f\" fill=\"#d62728\">p50 %s</text>%n",
                center - 50,
                y,
                center + 50,
                y,
                center + 8,
                y - 5,
                format(m)));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#666\">n=%d</text>%n",
              center,
              HEIGHT - BOTTOM + 20,
              escape(e.getKey()),
              center,
              HEIGHT - BOTTOM + 36,
              values.size()));
      column++;
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static String format(double v) {
    return v >= 10 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
