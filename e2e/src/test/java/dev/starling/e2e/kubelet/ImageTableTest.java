package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTableTest {

  @TempDir Path checkout;
  @TempDir Path javaHome;

  @Test
  void repositoryDropsTagDigestAndDefaultRegistry() {
    assertThat(ImageTable.repository("starling/node:0.1.0")).isEqualTo("starling/node");
    assertThat(ImageTable.repository("docker.io/starling/node@sha256:abc"))
        .isEqualTo("starling/node");
    assertThat(ImageTable.repository("localhost:5000/x/y:1")).isEqualTo("localhost:5000/x/y");
    assertThat(ImageTable.repository("starling/toolbox")).isEqualTo("starling/toolbox");
  }

  @Test
  void theNodeImageComesFromItsDockerfileAndTheBuiltJar() throws Exception {
    Files.createDirectories(checkout.resolve("node-image/target"));
    Files.writeString(
        checkout.resolve("node-image/Dockerfile"),
        "FROM eclipse-temurin:21-jre\n"
            + "ENV JAVA_TOOL_OPTIONS=\"-XX:+UseSerialGC\"\n"
            + "WORKDIR /data/db\n"
            + "ENTRYPOINT [\"java\", \"-jar\", \"/opt/starling/starling-node.jar\"]\n");
    ImageTable table = ImageTable.builtIn(checkout, javaHome);
    assertThat(table.resolve("starling/node:0.1.0"))
        .isInstanceOfSatisfying(
            ImageTable.NotFound.class,
            n -> assertThat(n.message()).contains("starling-node.jar").contains("does not exist"));

    Files.writeString(checkout.resolve("node-image/target/starling-node.jar"), "jar");
    ImageTable.Resolution found = table.resolve("starling/node:0.1.0");
    assertThat(found).isInstanceOf(ImageTable.Found.class);
    LocalImage image = ((ImageTable.Found) found).image();
    assertThat(image.entrypoint())
        .containsExactly("java", "-jar", "/opt/starling/starling-node.jar");
    assertThat(image.env())
        .containsEntry("JAVA_HOME", "/opt/java/openjdk")
        .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+UseSerialGC");
    assertThat(image.env().get("PATH")).startsWith("/opt/java/openjdk/bin:");
    assertThat(image.files())
        .containsExactly(
            new LocalImage.ImageFile(javaHome, "/opt/java/openjdk"),
            new LocalImage.ImageFile(
                checkout.resolve("node-image/target/starling-node.jar"),
                "/opt/starling/starling-node.jar"));
  }

  @Test
  void theToolboxHasNothingButTheDefaultPathAndUnknownImagesAreNotFound() {
    ImageTable table = ImageTable.builtIn(checkout, javaHome);
    ImageTable.Resolution toolbox = table.resolve("starling/toolbox:latest");
    assertThat(toolbox).isInstanceOf(ImageTable.Found.class);
    assertThat(((ImageTable.Found) toolbox).image().env())
        .containsEntry("PATH", ImageTable.DEFAULT_PATH);
    assertThat(table.resolve("nginx:1.27"))
        .isInstanceOfSatisfying(
            ImageTable.NotFound.class,
            n ->
                assertThat(n.message())
                    .startsWith("image nginx:1.27 is not in the local image table"));
  }
}
