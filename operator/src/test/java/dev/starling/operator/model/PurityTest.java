package dev.starling.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The model, the planner and the status builder are pure: they build objects and decide, and never
 * talk to the API server, so they must not use the Kubernetes client (fabric8's model classes are
 * fine).
 */
class PurityTest {
  static final Path SOURCES = Path.of("src", "main", "java", "dev", "starling", "operator");

  @ParameterizedTest
  @ValueSource(strings = {"model", "plan", "status"})
  void packageDoesNotUseTheKubernetesClient(String pkg) throws IOException {
    Path dir = SOURCES.resolve(pkg);
    List<Path> sources;
    try (Stream<Path> files = Files.list(dir)) {
      sources = files.filter(f -> f.toString().endsWith(".java")).toList();
    }
    assertThat(sources).as("sources in " + dir.toAbsolutePath()).isNotEmpty();
    for (Path source : sources) {
      assertThat(Files.readString(source))
          .as(source + " must not use the Kubernetes client")
          .doesNotContain("io.fabric8.kubernetes.client");
    }
  }
}
