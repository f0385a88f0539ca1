package dev.starling.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SvgStripChartTest {

  @Test
  void mediansOfOddAndEvenCounts() {
    assertThat(SvgStripChart.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(SvgStripChart.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(SvgStripChart.median(List.of())).isNaN();
  }

  @Test
  void theAxisEndsAtOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(SvgStripChart.axisMax(0.23)).isEqualTo(0.5);
    assertThat(SvgStripChart.axisMax(37)).isEqualTo(50);
    assertThat(SvgStripChart.axisMax(100)).isEqualTo(100);
    assertThat(SvgStripChart.axisMax(0)).isEqualTo(1);
  }

  @Test
  void everyRunIsADotAndEachSeriesHasItsMedianAndLabel() {
    String svg =
        new SvgStripChart("Roll time", "seconds")
            .series("3 members", List.of(30.0, 32.0, 35.0))
            .series("5 <members>", List.of(60.0))
            .render();
    assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").endsWith("</svg>\n");
    assertThat(svg.split("<circle", -1)).hasSize(5);
    assertThat(svg).contains("p50 32").contains("p50 60").contains("5 &lt;members&gt;");
    assertThat(svg).contains(">n=3<").contains(">n=1<");
  }
}
