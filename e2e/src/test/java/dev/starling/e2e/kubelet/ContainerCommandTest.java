package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerCommandTest {

  private static final LocalImage IMAGE =
      new LocalImage(
          "starling/node",
          List.of("java"),
          List.of(),
          Map.of(),
          "/data/db",
          List.of("/data/db", "/var/cache"),
          List.of(
              new LocalImage.ImageFile(Path.of("/usr/lib/jvm/jdk"), "/opt/java/openjdk"),
              new LocalImage.ImageFile(
                  Path.of("/w/starling-node.jar"), "/opt/starling/starling-node.jar")),
          null);

  private static final ContainerCommand.PodFilePaths POD_FILES =
      new ContainerCommand.PodFilePaths(
          Path.of("/p/etc/hosts"), Path.of("/p/etc/hostname"), Path.of("/p/etc/resolv.conf"));

  @Test
  void runsTheSetupScriptInThePodsNetworkNamespaceUnderTheDeathSignal() {
    List<String> argv =
        ContainerCommand.run(
            "stl-0123abcd-9f8e7d6c",
            Path.of("/s/kubelet/container-setup.sh"),
            Path.of("/s/rootfs"),
            "web-0",
            List.of(new ContainerCommand.Mount(Path.of("/v/data"), "/data/db", false)),
            "/data/db",
            PodEnvironment.Identity.ROOT,
            List.of("java", "-jar", "x.jar"));
    assertThat(String.join(" ", argv))
        .isEqualTo(
            "/usr/bin/setpriv --pdeathsig KILL /usr/sbin/ip netns exec stl-0123abcd-9f8e7d6c"
                + " /usr/bin/unshare --mount --uts --propagation private --"
                + " /bin/sh /s/kubelet/container-setup.sh /s/rootfs web-0"
                + " bind /v/data /data/db workdir /data/db -- java -jar x.jar");
  }

  @Test
  void mountsComeParentsFirstAndImageVolumesGetScratchUnlessAVolumeCoversThem() {
    Container c =
        new ContainerBuilder()
            .withName("node")
            .addNewVolumeMount()
            .withName("data")
            .withMountPath("/data/db/")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("cfg")
            .withMountPath("/etc/cfg")
            .withSubPath("sub")
            .endVolumeMount()
            .build();
    Map<String, VolumeManager.Prepared> volumes =
        Map.of(
            "data", new VolumeManager.Prepared(Path.of("/pv/data"), false),
            "cfg", new VolumeManager.Prepared(Path.of("/pod/volumes/cfg"), true));
    List<ContainerCommand.Mount> mounts =
        ContainerCommand.mounts(
            c, IMAGE, POD_FILES, volumes, Map.of(), t -> Path.of("/scratch" + t));
    assertThat(mounts)
        .extracting(ContainerCommand.Mount::target)
        .containsExactly(
            "/etc/hosts",
            "/etc/hostname",
            "/etc/resolv.conf",
            "/var/cache",
            "/data/db",
            "/etc/cfg",
            "/opt/java/openjdk",
            "/opt/starling/starling-node.jar");
    assertThat(mounts)
        .contains(
            new ContainerCommand.Mount(Path.of("/scratch/var/cache"), "/var/cache", false),
            new ContainerCommand.Mount(Path.of("/pv/data"), "/data/db", false),
            new ContainerCommand.Mount(Path.of("/pod/volumes/cfg/sub"), "/etc/cfg", true),
            new ContainerCommand.Mount(Path.of("/usr/lib/jvm/jdk"), "/opt/java/openjdk", true));
  }

  @Test
  void aMountOfAnUnknownVolumeOrAnEscapingSubPathIsAConfigError() {
    Container unknown =
        new ContainerBuilder()
            .withName("c")
            .addNewVolumeMount()
            .withName("nope")
            .withMountPath("/x")
            .endVolumeMount()
            .build();
    assertThatThrownBy(
            () ->
                ContainerCommand.mounts(
                    unknown, IMAGE, POD_FILES, Map.of(), Map.of(), t -> Path.of("/s")))
        .isInstanceOf(ContainerConfigException.class);
    Container escaping =
        new ContainerBuilder()
            .withName("c")
            .addNewVolumeMount()
            .withName("v")
            .withMountPath("/x")
            .withSubPath("../../etc")
            .endVolumeMount()
            .build();
    assertThatThrownBy(
            () ->
                ContainerCommand.mounts(
                    escaping,
                    IMAGE,
                    POD_FILES,
                    Map.of("v", new VolumeManager.Prepared(Path.of("/v"), false)),
                    Map.of(),
                    t -> Path.of("/s")))
        .hasMessageContaining("invalid subPath");
  }

  @Test
  void execEntersTheContainersNamespacesAndRoot() {
    assertThat(
            ContainerCommand.exec(42, PodEnvironment.Identity.ROOT, List.of("cat", "/tmp/healthy")))
        .containsExactly(
            "/usr/bin/setpriv",
            "--pdeathsig",
            "KILL",
            "/usr/bin/nsenter",
            "--target",
            "42",
            "--net",
            "--mount",
            "--uts",
            "--root",
            "--wd",
            "--",
            "cat",
            "/tmp/healthy");
  }

  @Test
  void anotherUserIsASpecForTheScriptAndNsenterOptionsForExec() {
    PodEnvironment.Identity user = new PodEnvironment.Identity(1001, 0, List.of(2000L));
    List<String> run =
        ContainerCommand.run(
            "ns", Path.of("/s.sh"), Path.of("/r"), "h", List.of(), "/", user, List.of("id"));
    assertThat(String.join(" ", run)).endsWith("workdir / user 1001 0 2000 -- id");
    assertThat(ContainerCommand.exec(7, user, List.of("id")))
        .containsSubsequence("--setuid", "1001", "--setgid", "0", "--", "id");
  }
}
