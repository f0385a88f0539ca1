package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeFilesTest {

  private static Map<String, byte[]> data() {
    Map<String, byte[]> data = new LinkedHashMap<>();
    data.put("user", "alice".getBytes(StandardCharsets.UTF_8));
    data.put("pass", "s3cret".getBytes(StandardCharsets.UTF_8));
    return data;
  }

  @Test
  void everyKeyBecomesAFileWithTheDefaultMode() {
    Map<String, VolumeFiles.File> files = VolumeFiles.keys(data(), null, null, false, "secret s");
    assertThat(files).containsOnlyKeys("user", "pass");
    assertThat(files.get("user").mode()).isEqualTo(0644);
  }

  @Test
  void itemsChoosePathsAndModes() {
    Map<String, VolumeFiles.File> files =
        VolumeFiles.keys(
            data(),
            List.of(new KeyToPath("user", null, "u"), new KeyToPath("pass", 0600, "sub/p")),
            0400,
            false,
            "secret s");
    assertThat(files).containsOnlyKeys("u", "sub/p");
    assertThat(files.get("u").mode()).isEqualTo(0400);
    assertThat(files.get("sub/p").mode()).isEqualTo(0600);
  }

  @Test
  void aMissingItemKeyFailsUnlessOptional() {
    List<KeyToPath> items = List.of(new KeyToPath("nope", null, "n"));
    assertThatThrownBy(() -> VolumeFiles.keys(data(), items, null, false, "configmap c"))
        .hasMessage("configmap c references non-existent config key: nope");
    assertThat(VolumeFiles.keys(data(), items, null, true, "configmap c")).isEmpty();
  }

  @Test
  void pathsMustStayInsideTheVolume() {
    assertThatThrownBy(() -> VolumeFiles.checkPath("../etc/passwd"))
        .isInstanceOf(ContainerConfigException.class);
    assertThatThrownBy(() -> VolumeFiles.checkPath("/abs"))
        .isInstanceOf(ContainerConfigException.class);
  }

  @Test
  void downwardApiFormatsLabelsLikeTheKubelet() {
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace("ns")
            .addToLabels("b", "2")
            .addToLabels("a", "say \"hi\"")
            .endMetadata()
            .withNewSpec()
            .endSpec()
            .build();
    var item =
        new io.fabric8.kubernetes.api.model.DownwardAPIVolumeFileBuilder()
            .withPath("labels")
            .withNewFieldRef()
            .withFieldPath("metadata.labels")
            .endFieldRef()
            .build();
    Map<String, VolumeFiles.File> files =
        VolumeFiles.downward(
            pod, List.of(item), null, "10.244.1.2", "10.244.0.1", DownwardApi.Allocatable.DEFAULT);
    assertThat(new String(files.get("labels").content(), StandardCharsets.UTF_8))
        .isEqualTo("a=\"say \\\"hi\\\"\"\nb=\"2\"");
  }

  @Test
  void writingReplacesChangedFilesAndRemovesOldOnes(@TempDir Path dir) throws Exception {
    VolumeManager.writeFiles(
        dir,
        Map.of(
            "a", new VolumeFiles.File("1".getBytes(StandardCharsets.UTF_8), 0644),
            "sub/b", new VolumeFiles.File("2".getBytes(StandardCharsets.UTF_8), 0600)));
    assertThat(Files.getPosixFilePermissions(dir.resolve("sub/b")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    VolumeManager.writeFiles(
        dir, Map.of("a", new VolumeFiles.File("changed".getBytes(StandardCharsets.UTF_8), 0644)));
    assertThat(Files.readString(dir.resolve("a"))).isEqualTo("changed");
    assertThat(dir.resolve("sub")).doesNotExist();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a");
    }
  }
}
