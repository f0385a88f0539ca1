package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** What every pod worker shares: the options, the API client and the kubelet's machinery. */
record KubeletContext(
    KubeletOptions options,
    KubernetesClient client,
    Clock clock,
    ProcessRuntime runtime,
    CniPlugin cni,
    VolumeManager volumes,
    ImageTable images,
    EventRecorder events,
    Prober prober,
    PodStatusWriter statusWriter,
    ObjectLookup lookup,
    BackOff restartBackOff,
    BackOff imageBackOff,
    Path setupScript,
    String hostResolvConf,
    Map<String, List<Long>> users) {

  Path podsDir() {
    return options.stateDir().resolve("pods");
  }

  Path podDir(String namespace, String name) {
    return podsDir().resolve(namespace + "_" + name);
  }

  DownwardApi.Allocatable allocatable() {
    return DownwardApi.Allocatable.DEFAULT;
  }
}
