package dev.starling.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.crdv2.generator.CRDGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed CRD must be what the Java classes generate. The generator is the one QOSDK runs at
 * build time (fabric8's crd-generator v2), called here directly so the check runs with the unit
 * tests.
 */
class CrdUpToDateTest {
  static final Path COMMITTED = Path.of("..", "crds", "replicasets.starling.dev.yaml");
  static final String REGENERATE =
      "crds/replicasets.starling.dev.yaml differs from what the Java classes generate; regenerate"
          + " it with: mvn -pl operator -am test -Dtest=CrdUpToDateTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -Dstarling.crd.update=true (or cp"
          + " operator/target/crd-check/replicasets.starling.dev-v1.yml"
          + " crds/replicasets.starling.dev.yaml)";

  static String generate() throws IOException {
    Path out = Path.of("target", "crd-check");
    Files.createDirectories(out);
    new CRDGenerator()
        .inOutputDir(out.toFile())
        .forCRDVersions("v1")
        .customResourceClasses(ReplicaSet.class)
        .generate();
    return Files.readString(out.resolve("replicasets.starling.dev-v1.yml"));
  }

  @Test
  void committedCrdIsWhatTheJavaClassesGenerate() throws IOException {
    String fresh = generate();
    if (Boolean.getBoolean("starling.crd.update")) {
      Files.writeString(COMMITTED, fresh);
    }
    assertThat(COMMITTED).as(REGENERATE).exists();
    assertThat(Files.readString(COMMITTED)).as(REGENERATE).isEqualTo(fresh);
  }
}
