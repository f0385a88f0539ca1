package dev.starling.node.spec;

import dev.starling.node.spec.SpecResult.Status;
import dev.starling.node.spec.SpecResult.TestResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes one suite's results as a markdown page: a table of files, then one of tests. */
final class SpecReport {
  private SpecReport() {}

  /** "suite: 12 pass, 3 fail, 4 n/a (19 files, 41 s)". */
  static String summary(String suite, List<SpecResult> results, long millis) {
    return suite
        + ": "
        + count(results, Status.PASS)
        + " pass, "
        + count(results, Status.FAIL)
        + " fail, "
        + count(results, Status.NOT_APPLICABLE)
        + " n/a ("
        + results.size()
        + " files, "
        + Math.round(millis / 1000.0)
        + " s)";
  }

  static long count(List<SpecResult> results, Status status) {
    return results.stream().filter(r -> r.status() == status).count();
  }

  static Path write(Path dir, String suite, List<SpecResult> results, long millis) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(suite).append("\n\n");
    md.append(summary(suite, results, millis)).append("\n\n");
    md.append("| file | result | first failure or reason |\n| --- | --- | --- |\n");
    for (SpecResult r : results) {
      md.append("| ")
          .append(r.file())
          .append(" | ")
          .append(r.status().label)
          .append(" | ")
          .append(cell(r.message()))
          .append(" |\n");
    }
    md.append("\n## Tests\n\n| file | test | topology | result | ms | detail |\n")
        .append("| --- | --- | --- | --- | --- | --- |\n");
    for (SpecResult r : results) {
      for (TestResult t : r.tests()) {
        md.append("| ")
            .append(r.file())
            .append(" | ")
            .append(cell(t.description()))
            .append(" | ")
            .append(t.topology() == null ? "" : t.topology().specName)
            .append(" | ")
            .append(t.status().label)
            .append(" | ")
            .append(t.millis())
            .append(" | ")
            .append(cell(t.message()))
            .append(" |\n");
      }
    }
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(suite.replace('/', '-') + ".md");
      Files.writeString(file, md, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String cell(String text) {
    return text == null ? "" : text.replace('\n', ' ').replace("|", "\\|");
  }
}
