package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodEnvironmentTest {

  private static final LocalImage NODE_IMAGE =
      new LocalImage(
          "starling/node:0.1.0",
          List.of("java", "-jar", "/opt/starling/starling-node.jar"),
          List.of("--bind_ip_all"),
          imageEnv(),
          "/data/db",
          List.of("/data/db"),
          List.of(),
          null);

  private static Map<String, String> imageEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/opt/java/openjdk/bin:/usr/bin");
    env.put("JAVA_TOOL_OPTIONS", "-Xss1m");
    return env;
  }

  private static final PodEnvironment.Context CONTEXT =
      new PodEnvironment.Context(
          "web-0",
          "10.244.1.7",
          "10.244.0.1",
          "10.244.0.1",
          6443,
          DownwardApi.Allocatable.DEFAULT,
          Map.of("app", List.of(1500L, 1600L)));

  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final Map<String, Secret> secrets = new HashMap<>();
  private final ObjectLookup lookup =
      new ObjectLookup() {
        @Override
        public Optional<ConfigMap> configMap(String namespace, String name) {
          return Optional.ofNullable(configMaps.get(namespace + "/" + name));
        }

        @Override
        public Optional<Secret> secret(String namespace, String name) {
          return Optional.ofNullable(secrets.get(namespace + "/" + name));
        }
      };

  private static Pod pod(Container container) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("web-0")
        .withNamespace("shop")
        .withUid("0123abcd-0000-0000-0000-000000000000")
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .withNodeName("local-2")
        .withServiceAccountName("builder")
        .withContainers(container)
        .endSpec()
        .build();
  }

  private PodEnvironment.Launch launch(Container container) {
    return PodEnvironment.compute(pod(container), container, NODE_IMAGE, CONTEXT, lookup);
  }

  @Test
  void imageEnvComesFirstThenHostnameAndServiceVariablesThenThePodsEnv() {
    Container c =
        new ContainerBuilder()
            .withName("main")
            .addNewEnv()
            .withName("JAVA_TOOL_OPTIONS")
            .withValue("-Xmx64m")
            .endEnv()
            .build();
    Map<String, String> env = launch(c).env();
    assertThat(env.keySet())
        .startsWith("PATH", "JAVA_TOOL_OPTIONS", "HOSTNAME", "KUBERNETES_SERVICE_HOST");
    assertThat(env)
        .containsEntry("PATH", "/opt/java/openjdk/bin:/usr/bin")
        .containsEntry("HOSTNAME", "web-0")
        .containsEntry("KUBERNETES_SERVICE_HOST", "10.244.0.1")
        .containsEntry("KUBERNETES_SERVICE_PORT", "6443")
        .containsEntry("KUBERNETES_PORT", "tcp://10.244.0.1:6443")
        .containsEntry("JAVA_TOOL_OPTIONS", "-Xmx64m");
  }

  @Test
  void downwardApiFieldsResolve() {
    Container c = new ContainerBuilder().withName("main").build();
    for (String[] f :
        new String[][] {
          {"POD", "metadata.name", "web-0"},
          {"NS", "metadata.namespace", "shop"},
          {"UID", "metadata.uid", "0123abcd-0000-0000-0000-000000000000"},
          {"IP", "status.podIP", "10.244.1.7"},
          {"HOST", "status.hostIP", "10.244.0.1"},
          {"NODE", "spec.nodeName", "local-2"},
          {"SA", "spec.serviceAccountName", "builder"},
          {"APP", "metadata.labels['app']", "web"}
        }) {
      c.getEnv()
          .add(
              new io.fabric8.kubernetes.api.model.EnvVarBuilder()
                  .withName(f[0])
                  .withNewValueFrom()
                  .withNewFieldRef()
                  .withFieldPath(f[1])
                  .endFieldRef()
                  .endValueFrom()
                  .build());
    }
    Map<String, String> env = launch(c).env();
    assertThat(env)
        .containsEntry("POD", "web-0")
        .containsEntry("NS", "shop")
        .containsEntry("UID", "0123abcd-0000-0000-0000-000000000000")
        .containsEntry("IP", "10.244.1.7")
        .containsEntry("HOST", "10.244.0.1")
        .containsEntry("NODE", "local-2")
        .containsEntry("SA", "builder")
        .containsEntry("APP", "web");
  }

  @Test
  void referencesSeeEarlierVariablesAndKeysFromConfigMapsAndSecrets() {
    configMaps.put(
        "shop/cfg",
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("cfg")
            .endMetadata()
            .addToData("mode", "fast")
            .build());
    secrets.put(
        "shop/creds",
        new SecretBuilder()
            .withNewMetadata()
            .withName("creds")
            .endMetadata()
            .addToData(
                "user",
                Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8)))
            .build());
    Container c =
        new ContainerBuilder()
            .withName("main")
            .addNewEnvFrom()
            .withPrefix("CFG_")
            .withNewConfigMapRef()
            .withName("cfg")
            .endConfigMapRef()
            .endEnvFrom()
            .addNewEnv()
            .withName("USER")
            .withNewValueFrom()
            .withNewSecretKeyRef()
            .withName("creds")
            .withKey("user")
            .endSecretKeyRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("GREETING")
            .withValue("hello $(USER) in $(CFG_mode) mode, $(LATER) $$(USER)")
            .endEnv()
            .addNewEnv()
            .withName("LATER")
            .withValue("x")
            .endEnv()
            .build();
    assertThat(launch(c).env())
        .containsEntry("CFG_mode", "fast")
        .containsEntry("USER", "alice")
        .containsEntry("GREETING", "hello alice in fast mode, $(LATER) $(USER)");
  }

  @Test
  void aMissingReferenceIsAConfigErrorUnlessOptional() {
    Container missing =
        new ContainerBuilder()
            .withName("main")
            .addNewEnv()
            .withName("X")
            .withNewValueFrom()
            .withNewConfigMapKeyRef()
            .withName("absent")
            .withKey("k")
            .endConfigMapKeyRef()
            .endValueFrom()
            .endEnv()
            .build();
    assertThatThrownBy(() -> launch(missing))
        .isInstanceOf(ContainerConfigException.class)
        .hasMessage("configmap \"absent\" not found");

    missing.getEnv().getFirst().getValueFrom().getConfigMapKeyRef().setOptional(true);
    assertThat(launch(missing).env()).doesNotContainKey("X");
  }

  @Test
  void resourceFieldRefDividesAndFallsBackToTheNodesAllocatable() {
    Container c =
        new ContainerBuilder()
            .withName("main")
            .withNewResources()
            .addToRequests("memory", new Quantity("64Mi"))
            .addToLimits("cpu", new Quantity("500m"))
            .endResources()
            .addNewEnv()
            .withName("MEM")
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withResource("requests.memory")
            .withDivisor(new Quantity("1Mi"))
            .endResourceFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("CPU")
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withResource("limits.cpu")
            .endResourceFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("MEM_LIMIT")
            .withNewValueFrom()
            .withNewResourceFieldRef()
            .withResource("limits.memory")
            .withDivisor(new Quantity("1Gi"))
            .endResourceFieldRef()
            .endValueFrom()
            .endEnv()
            .build();
    assertThat(launch(c).env())
        .containsEntry("MEM", "64")
        .containsEntry("CPU", "1") // 0.5 cores rounded up
        .containsEntry("MEM_LIMIT", "8");
  }

  @Test
  void commandReplacesEntrypointAndDropsCmdWhileArgsReplaceOnlyCmd() {
    Map<String, String> env = Map.of("PORT", "27017");
    Container none = new ContainerBuilder().withName("c").build();
    assertThat(PodEnvironment.argv(none, NODE_IMAGE, env))
        .containsExactly("java", "-jar", "/opt/starling/starling-node.jar", "--bind_ip_all");

    Container args = new ContainerBuilder().withName("c").withArgs("--port", "$(PORT)").build();
    assertThat(PodEnvironment.argv(args, NODE_IMAGE, env))
        .containsExactly("java", "-jar", "/opt/starling/starling-node.jar", "--port", "27017");

    Container command =
        new ContainerBuilder().withName("c").withCommand("sh", "-c", "echo $(PORT)").build();
    assertThat(PodEnvironment.argv(command, NODE_IMAGE, env))
        .containsExactly("sh", "-c", "echo 27017");

    Container both =
        new ContainerBuilder()
            .withName("c")
            .withCommand("python3")
            .withArgs("-m", "http.server")
            .build();
    assertThat(PodEnvironment.argv(both, NODE_IMAGE, env))
        .containsExactly("python3", "-m", "http.server");
  }

  @Test
  void workingDirDefaultsToTheImages() {
    assertThat(launch(new ContainerBuilder().withName("c").build()).workingDir())
        .isEqualTo("/data/db");
    assertThat(
            launch(new ContainerBuilder().withName("c").withWorkingDir("/tmp").build())
                .workingDir())
        .isEqualTo("/tmp");
  }

  @Test
  void theUserComesFromTheContainerThenThePodThenTheImage() {
    Container c = new ContainerBuilder().withName("c").build();
    Pod pod = pod(c);
    assertThat(PodEnvironment.identity(pod, c, null, Map.of()))
        .isEqualTo(PodEnvironment.Identity.ROOT);
    assertThat(PodEnvironment.identity(pod, c, "1001", Map.of()))
        .isEqualTo(new PodEnvironment.Identity(1001, 0, List.of()));
    assertThat(PodEnvironment.identity(pod, c, "app", Map.of("app", List.of(1500L, 1600L))))
        .isEqualTo(new PodEnvironment.Identity(1500, 1600, List.of()));

    pod.getSpec()
        .setSecurityContext(
            new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
                .withRunAsUser(2000L)
                .withFsGroup(3000L)
                .build());
    c.setSecurityContext(
        new io.fabric8.kubernetes.api.model.SecurityContextBuilder().withRunAsGroup(5L).build());
    assertThat(PodEnvironment.identity(pod, c, "1001", Map.of()))
        .isEqualTo(new PodEnvironment.Identity(2000, 5, List.of(3000L)));
  }

  @Test
  void runAsNonRootRefusesRoot() {
    Container c =
        new ContainerBuilder()
            .withName("c")
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .endSecurityContext()
            .build();
    assertThatThrownBy(() -> PodEnvironment.identity(pod(c), c, null, Map.of()))
        .hasMessage("container has runAsNonRoot and image will run as root");
    assertThat(PodEnvironment.identity(pod(c), c, "1001", Map.of()).uid()).isEqualTo(1001);
  }

  @Test
  void homeIsSetAsARuntimeDoes() {
    assertThat(launch(new ContainerBuilder().withName("c").build()).env())
        .containsEntry("HOME", "/root");
  }
}
