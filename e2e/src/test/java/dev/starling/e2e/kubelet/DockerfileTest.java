package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerfileTest {

  @Test
  void readsTheRunConfigurationOfTheNodeImage() {
    Dockerfile d =
        Dockerfile.parse(
            """
            # comment
            FROM eclipse-temurin:21-jre
            COPY target/starling-node.jar /opt/starling/starling-node.jar
            ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC"
            VOLUME /data/db
            WORKDIR /data/db
            EXPOSE 27017 28017
            ENTRYPOINT ["java", "-jar", "/opt/starling/starling-node.jar"]
            CMD ["--bind_ip_all", "--dbpath", "/data/db"]
            """,
            Map.of());
    assertThat(d.entrypoint()).containsExactly("java", "-jar", "/opt/starling/starling-node.jar");
    assertThat(d.cmd()).containsExactly("--bind_ip_all", "--dbpath", "/data/db");
    assertThat(d.env()).containsEntry("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC");
    assertThat(d.workdir()).isEqualTo("/data/db");
    assertThat(d.volumes()).containsExactly("/data/db");
    assertThat(d.user()).isNull();
  }

  @Test
  void readsTheUser() {
    assertThat(Dockerfile.parse("FROM x\nUSER 1001\n", Map.of()).user()).isEqualTo("1001");
  }

  @Test
  void shellFormRunsUnderShAndContinuationLinesJoin() {
    Dockerfile d =
        Dockerfile.parse(
            """
            FROM x
            CMD echo hello \\
                world
            """,
            Map.of());
    assertThat(d.cmd()).containsExactly("/bin/sh", "-c", "echo hello  world");
    assertThat(d.entrypoint()).isEmpty();
  }

  @Test
  void envSupportsBothFormsAndSeesEarlierValuesIncludingTheBaseImages() {
    Dockerfile d =
        Dockerfile.parse(
            """
            FROM x
            ENV APP_HOME /opt/app
            ENV PATH=$APP_HOME/bin:$PATH NAME='two words' EMPTY=
            ENV SAME=${APP_HOME} QUOTED="a \\"b\\""
            """,
            Map.of("PATH", "/usr/bin"));
    assertThat(d.env())
        .containsEntry("APP_HOME", "/opt/app")
        .containsEntry("PATH", "/opt/app/bin:/usr/bin")
        .containsEntry("NAME", "two words")
        .containsEntry("EMPTY", "")
        .containsEntry("SAME", "/opt/app")
        .containsEntry("QUOTED", "a \"b\"");
    assertThat(d.env().keySet().iterator().next()).isEqualTo("PATH"); // base first
  }

  @Test
  void relativeWorkdirBuildsOnThePreviousOne() {
    Dockerfile d = Dockerfile.parse("FROM x\nWORKDIR /opt\nWORKDIR app\n", Map.of());
    assertThat(d.workdir()).isEqualTo("/opt/app");
  }

  @Test
  void onlyTheFinalStageCounts() {
    Dockerfile d =
        Dockerfile.parse(
            """
            FROM builder AS build
            ENV BUILD_ONLY=1
            CMD ["make"]
            FROM runtime
            ENTRYPOINT ["/app"]
            """,
            Map.of());
    assertThat(d.env()).doesNotContainKey("BUILD_ONLY");
    assertThat(d.cmd()).isEmpty();
    assertThat(d.entrypoint()).containsExactly("/app");
  }
}
