package dev.starling.e2e.kubelet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod's worker, like the kubelet's pod worker and its {@code syncPod}: each pass starts from
 * what it observes (the pod as the API shows it, which processes are alive, probe results) and
 * takes the next steps toward the spec:
 *
 * <ol>
 *   <li>If the pod is deleted: stop its containers within the grace period, tear down its network
 *       and state, and delete the Pod object for good.
 *   <li>If its phase is terminal: keep everything stopped.
 *   <li>Create its network namespace and interface, and its hosts/hostname/resolv.conf.
 *   <li>Set up its volumes (a missing ConfigMap or Secret holds the pod, with FailedMount).
 *   <li>Run init containers one after another to completion, then start the containers; restart
 *       exited ones as restartPolicy says, with back-off.
 *   <li>Run due probes; a failed liveness or startup probe restarts its container.
 *   <li>Write the status, if it changed.
 * </ol>
 *
 * A pass runs on the worker's own virtual thread when woken (watch event, process exit, probe
 * result) or every {@link #RESYNC}; one pod's trouble never stops another's.
 */
final class PodWorker {

  private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);
  static final Duration RESYNC = Duration.ofSeconds(2);
  private static final Duration VOLUME_REFRESH = Duration.ofSeconds(30);
  private static final Duration ERR_IMAGE_PULL_SHOWN = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record ProbeResult(
      ContainerRecord record,
      ProcessRuntime.ContainerProcess process,
      ProbeSchedule schedule,
      Prober.Outcome outcome) {}

  /** A container's log file, for the log server. */
  record LogTarget(Path file, boolean running) {}

  private final KubeletContext k;
  private final PodWorkers workers;
  final String uid;
  final String namespace;
  final String name;
  final String node;
  final String netns;
  final Path podDir;

  private volatile Pod pod;
  private volatile boolean gone;
  private volatile boolean finished;
  private final Semaphore wake = new Semaphore(0);
  private final Map<String, ContainerRecord> records = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<ProbeResult> probeResults = new ConcurrentLinkedQueue<>();

  private boolean seeded;
  private String podIp;
  private boolean sandboxReady;
  private boolean networkReleased;
  private Instant startTime;
  private Map<String, VolumeManager.Prepared> volumes;
  private Instant volumesAt;
  private String phaseOverride;
  private Instant terminationStartedAt;
  private boolean tornDown;

  PodWorker(KubeletContext k, PodWorkers workers, Pod pod) {
    this.k = k;
    this.workers = workers;
    this.pod = pod;
    this.uid = pod.getMetadata().getUid();
    this.namespace = pod.getMetadata().getNamespace();
    this.name = pod.getMetadata().getName();
    this.node = pod.getSpec().getNodeName();
    this.netns = k.options().netnsPrefix() + uid.substring(0, 8);
    this.podDir = k.podDir(namespace, name);
  }

  void start() {
    wake();
    Thread.ofVirtual().name("pod " + namespace + "/" + name).start(this::loop);
  }

  /**
   * A newer version of the pod. Only a change that can matter now wakes the worker: a status write
   * of our own does not (the next resync sees it anyway).
   */
  void update(Pod latest) {
    Pod before = pod;
    pod = latest;
    if (before == null
        || !java.util.Objects.equals(
            before.getMetadata().getDeletionTimestamp(),
            latest.getMetadata().getDeletionTimestamp())
        || !java.util.Objects.equals(before.getSpec(), latest.getSpec())
        || !java.util.Objects.equals(
            before.getMetadata().getLabels(), latest.getMetadata().getLabels())
        || !java.util.Objects.equals(
            before.getMetadata().getAnnotations(), latest.getMetadata().getAnnotations())) {
      wake();
    }
  }

  /** The Pod object is gone from the API (deleted with no grace, or by us). */
  void deleted() {
    gone = true;
    wake();
  }

  void wake() {
    wake.release();
  }

  boolean finished() {
    return finished;
  }

  boolean isGone() {
    return gone;
  }

  Pod pod() {
    return pod;
  }

  private void loop() {
    while (!finished) {
      try {
        wake.tryAcquire(nextWait().toMillis(), TimeUnit.MILLISECONDS);
        wake.drainPermits();
        if (workers.shuttingDown()) {
          continue;
        }
        synchronized (this) {
          if (!workers.shuttingDown()) {
            sync();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        // A bad pod must not take the kubelet down: log, tell the user, try again later.
        LOG.warn("pod {}/{}: sync failed", namespace, name, e);
        k.events().warning(pod, node, null, "FailedSync", "error syncing pod: " + e);
      }
    }
    workers.finished(this);
  }

  /** Sleep until the next resync, probe or back-off expiry, whichever is first. */
  private Duration nextWait() {
    Instant now = k.clock().instant();
    Instant next = now.plus(RESYNC);
    for (ContainerRecord r : records.values()) {
      for (ProbeSchedule s : r.activeProbes()) {
        Instant due = s.nextDue();
        if (due != null && due.isBefore(next)) {
          next = due;
        }
      }
      Instant ready = k.restartBackOff().readyAt(backOffKey(r), now);
      if (ready.isAfter(now) && ready.isBefore(next)) {
        next = ready;
      }
    }
    long ms = Duration.between(now, next).toMillis();
    return Duration.ofMillis(Math.max(20, Math.min(ms, RESYNC.toMillis())));
  }

  // ---------------------------------------------------------------- the pass

  private void sync() {
    Instant now = k.clock().instant();
    Pod pod = this.pod;
    if (gone) {
      stopAll(pod, now, true);
      tearDown();
      finished = true;
      return;
    }
    if (pod.getMetadata().getDeletionTimestamp() != null) {
      terminate(pod, now);
      return;
    }
    if (workers.otherInstanceActive(this)) {
      return; // a previous pod of the same name is still being torn down in the same dir
    }
    ensureRecords(pod, now);
    observeExits(now);
    applyProbeResults(pod, now);
    String observedPhase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (PodStatusBuilder.TERMINAL.contains(observedPhase) || phaseOverride != null) {
      finishTerminal(pod, now);
      return;
    }
    checkSandbox(pod, now);
    if (!ensureSandbox(pod)) {
      writeStatus(pod, now);
      return;
    }
    if (!ensureVolumes(pod, now)) {
      writeStatus(pod, now);
      return;
    }
    if (syncInitContainers(pod, now)) {
      syncContainers(pod, now);
    }
    runProbes(pod, now);
    String phase = writeStatus(pod, now);
    if (PodStatusBuilder.TERMINAL.contains(phase)) {
      finishTerminal(pod, now);
    }
  }

  private void ensureRecords(Pod pod, Instant now) {
    Map<String, ContainerStatus> observed = new LinkedHashMap<>();
    if (pod.getStatus() != null) {
      Optional.ofNullable(pod.getStatus().getInitContainerStatuses())
          .orElse(List.of())
          .forEach(s -> observed.put("init/" + s.getName(), s));
      Optional.ofNullable(pod.getStatus().getContainerStatuses())
          .orElse(List.of())
          .forEach(s -> observed.put(s.getName(), s));
      if (startTime == null && pod.getStatus().getStartTime() != null) {
        startTime = Instant.parse(pod.getStatus().getStartTime());
      }
    }
    for (Container c : initContainers(pod)) {
      records.computeIfAbsent(
          c.getName(),
          n -> {
            ContainerRecord r = new ContainerRecord(n, true);
            if (!seeded) {
              r.seed(observed.get("init/" + n), now);
            }
            return r;
          });
    }
    for (Container c : pod.getSpec().getContainers()) {
      records.computeIfAbsent(
          c.getName(),
          n -> {
            ContainerRecord r = new ContainerRecord(n, false);
            if (!seeded) {
              r.seed(observed.get(n), now);
            }
            return r;
          });
    }
    seeded = true;
    if (startTime == null) {
      startTime = now;
    }
  }

  private void observeExits(Instant now) {
    for (ContainerRecord r : records.values()) {
      ProcessRuntime.ContainerProcess p = r.process;
      if (p != null && !p.alive()) {
        r.exited(p.process.exitValue(), p.exitedAt != null ? p.exitedAt : now);
        LOG.info(
            "pod {}/{}: container {} exited with {}",
            namespace,
            name,
            r.name,
            r.lastExit.exitCode());
      }
    }
  }

  // ---------------------------------------------------------------- sandbox and volumes

  /**
   * A pod whose network namespace was deleted behind the kubelet's back gets a new one and its
   * containers are restarted in it, as the kubelet does when a sandbox dies.
   */
  private void checkSandbox(Pod pod, Instant now) {
    if (!sandboxReady || Files.exists(CniPlugin.path(netns))) {
      return;
    }
    LOG.warn("pod {}/{}: network namespace {} is gone; re-creating it", namespace, name, netns);
    k.events()
        .normal(
            pod,
            node,
            null,
            "SandboxChanged",
            "Pod sandbox changed, it will be killed and re-created.");
    stopAll(pod, now, true);
    observeExits(k.clock().instant());
    k.cni().tearDown(netns, uid);
    sandboxReady = false;
  }

  private boolean ensureSandbox(Pod pod) {
    if (sandboxReady) {
      return true;
    }
    try {
      Files.createDirectories(podDir);
      adoptPodDir();
      podIp = k.cni().setUp(netns, uid, namespace, name);
      Map<String, String> info = new LinkedHashMap<>();
      info.put("uid", uid);
      info.put("netns", netns);
      info.put("ip", podIp);
      info.put("node", node);
      writeAtomically(podDir.resolve("pod.json"), JSON.writeValueAsString(info) + "\n");
      Path etc = podDir.resolve("etc");
      Files.createDirectories(etc);
      writeAtomically(etc.resolve("hosts"), PodFiles.hosts(pod, podIp));
      writeAtomically(etc.resolve("hostname"), PodFiles.hostnameFile(pod));
      writeAtomically(
          etc.resolve("resolv.conf"),
          PodFiles.resolvConf(pod, k.options().clusterDns(), k.hostResolvConf()));
      sandboxReady = true;
      networkReleased = false;
      LOG.info("pod {}/{}: network namespace {} with {}", namespace, name, netns, podIp);
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.warn("pod {}/{}: sandbox failed: {}", namespace, name, e.getMessage());
      k.events()
          .warning(
              pod,
              node,
              null,
              "FailedCreatePodSandBox",
              "Failed to create pod sandbox: " + e.getMessage());
      return false;
    }
  }

  /**
   * The pod dir is named after the pod, so a new pod of the same name (a StatefulSet's) finds the
   * logs of the previous one: they move to {@code logs.previous}.
   */
  private void adoptPodDir() throws IOException {
    Path info = podDir.resolve("pod.json");
    boolean ours = false;
    if (Files.exists(info)) {
      ours = JSON.readTree(info.toFile()).path("uid").asText().equals(uid);
    }
    Path logs = podDir.resolve("logs");
    if (!ours && Files.isDirectory(logs)) {
      Path previous = podDir.resolve("logs.previous");
      VolumeManager.deleteTree(previous);
      Files.move(logs, previous);
    }
  }

  private boolean ensureVolumes(Pod pod, Instant now) {
    if (volumes != null && now.isBefore(volumesAt.plus(VOLUME_REFRESH))) {
      return true;
    }
    try {
      volumes = k.volumes().prepare(pod, podDir, podIp, k.options().address());
      volumesAt = now;
      return true;
    } catch (VolumeManager.VolumeException e) {
      k.events().warning(pod, node, null, "FailedMount", e.getMessage());
      if (volumes != null) {
        volumesAt = now; // keep what the running containers have; try again later
        return true;
      }
      for (ContainerRecord r : records.values()) {
        if (r.process == null && !r.everStarted) {
          r.held = RunState.creating();
        }
      }
      return false;
    } catch (IOException e) {
      k.events().warning(pod, node, null, "FailedMount", "MountVolume.SetUp failed: " + e);
      return volumes != null;
    }
  }

  // ---------------------------------------------------------------- containers

  /** True when every init container has completed. */
  private boolean syncInitContainers(Pod pod, Instant now) {
    String policy = restartPolicy(pod);
    for (Container spec : initContainers(pod)) {
      ContainerRecord r = records.get(spec.getName());
      if (r.completed()) {
        continue;
      }
      if (r.process == null) {
        if (r.everStarted && r.lastExit != null && r.lastExit.exitCode() != 0) {
          if (policy.equals("Never")) {
            phaseOverride = "Failed";
            return false;
          }
          if (!restartAllowed(pod, r, now)) {
            holdOthers(pod, r);
            return false;
          }
        }
        start(pod, spec, r, now);
      }
      holdOthers(pod, r);
      return false;
    }
    return true;
  }

  /** Containers that wait for init containers show PodInitializing, as in the kubelet. */
  private void holdOthers(Pod pod, ContainerRecord current) {
    boolean after = false;
    for (Container spec : initContainers(pod)) {
      ContainerRecord r = records.get(spec.getName());
      if (r == current) {
        after = true;
      } else if (after && r.process == null && !r.everStarted) {
        r.held = new RunState.Waiting("PodInitializing", null);
      }
    }
    for (Container spec : pod.getSpec().getContainers()) {
      ContainerRecord r = records.get(spec.getName());
      if (r.process == null && !r.everStarted) {
        r.held = new RunState.Waiting("PodInitializing", null);
      }
    }
  }

  private void syncContainers(Pod pod, Instant now) {
    String policy = restartPolicy(pod);
    for (Container spec : pod.getSpec().getContainers()) {
      ContainerRecord r = records.get(spec.getName());
      if (r.process != null) {
        continue;
      }
      if (r.everStarted && r.lastExit != null) {
        boolean restart =
            switch (policy) {
              case "Never" -> false;
              case "OnFailure" -> r.lastExit.exitCode() != 0;
              default -> true;
            };
        if (!restart) {
          r.held = null;
          continue;
        }
        if (!restartAllowed(pod, r, now)) {
          continue;
        }
      }
      start(pod, spec, r, now);
    }
  }

  /** The restart back-off: false (and CrashLoopBackOff) while the container must wait. */
  private boolean restartAllowed(Pod pod, ContainerRecord r, Instant now) {
    if (r.held != null && !r.held.reason().equals("CrashLoopBackOff")) {
      return true; // held for another reason (image, config): retry that, no new back-off step
    }
    String key = backOffKey(r);
    if (k.restartBackOff().inBackOff(key, now)) {
      Duration delay = k.restartBackOff().delay(key, now);
      r.held =
          new RunState.Waiting(
              "CrashLoopBackOff",
              "back-off "
                  + format(delay)
                  + " restarting failed container="
                  + r.name
                  + " pod="
                  + name
                  + "_"
                  + namespace
                  + "("
                  + uid
                  + ")");
      k.events()
          .warning(
              pod,
              node,
              r.fieldPath,
              "BackOff",
              "Back-off restarting failed container "
                  + r.name
                  + " in pod "
                  + name
                  + "_"
                  + namespace
                  + "("
                  + uid
                  + ")");
      return false;
    }
    k.restartBackOff().next(key, now);
    return true;
  }

  private String backOffKey(ContainerRecord r) {
    return uid + "/" + r.name;
  }

  private void start(Pod pod, Container spec, ContainerRecord r, Instant now) {
    ImageTable.Resolution resolution = k.images().resolve(spec.getImage());
    if (resolution instanceof ImageTable.NotFound missing) {
      imagePullFailed(pod, spec, r, missing.message(), now);
      return;
    }
    LocalImage image = ((ImageTable.Found) resolution).image();
    k.imageBackOff().forget(imageKey(spec));
    k.events()
        .normal(
            pod,
            node,
            r.fieldPath,
            "Pulled",
            "Container image \"" + spec.getImage() + "\" already present on machine");
    PodEnvironment.Launch launch;
    List<ContainerCommand.Mount> mounts;
    Path containerDir = podDir.resolve("containers").resolve(spec.getName());
    try {
      launch = PodEnvironment.compute(pod, spec, image, environmentContext(pod), k.lookup());
      Path scratch = containerDir.resolve("volumes");
      VolumeManager.deleteTree(scratch); // an image VOLUME is fresh for each run, as in a runtime
      mounts =
          ContainerCommand.mounts(
              spec,
              image,
              new ContainerCommand.PodFilePaths(
                  podDir.resolve("etc/hosts"),
                  podDir.resolve("etc/hostname"),
                  podDir.resolve("etc/resolv.conf")),
              volumes,
              launch.env(),
              target -> scratchDir(scratch, target));
    } catch (ContainerConfigException | IOException e) {
      configError(pod, r, e.getMessage());
      return;
    } catch (KubernetesClientException e) {
      configError(pod, r, VolumeManager.apiMessage(e));
      return;
    }
    if (!launch.warnings().isEmpty()) {
      k.events()
          .warning(
              pod,
              node,
              r.fieldPath,
              "InvalidEnvironmentVariableNames",
              String.join("; ", launch.warnings()));
    }
    int runCount = r.everStarted ? r.restartCount + 1 : r.restartCount;
    Path log = podDir.resolve("logs").resolve(spec.getName()).resolve(runCount + ".log");
    ProcessRuntime.ContainerProcess process;
    try {
      Path rootfs = containerDir.resolve("rootfs");
      Files.createDirectories(rootfs);
      List<String> argv =
          ContainerCommand.run(
              netns,
              k.setupScript(),
              rootfs,
              PodFiles.hostname(pod),
              mounts,
              launch.workingDir(),
              launch.identity(),
              launch.argv());
      k.events().normal(pod, node, r.fieldPath, "Created", "Created container: " + spec.getName());
      process =
          k.runtime()
              .startContainer(
                  argv, launch.env(), log, containerDir.resolve("pid"), runCount, this::wake);
    } catch (IOException e) {
      r.held = new RunState.Waiting("RunContainerError", e.getMessage());
      k.events().warning(pod, node, r.fieldPath, "Failed", "Error: " + e.getMessage());
      return;
    }
    r.env = launch.env();
    r.identity = launch.identity();
    r.newRun(spec, process, process.startedAt);
    LOG.info(
        "pod {}/{}: started container {} (pid {}, restart {})",
        namespace,
        name,
        spec.getName(),
        process.pid,
        runCount);
    k.events().normal(pod, node, r.fieldPath, "Started", "Started container " + spec.getName());
    runPostStart(pod, spec, r, process);
  }

  private void runPostStart(
      Pod pod, Container spec, ContainerRecord r, ProcessRuntime.ContainerProcess process) {
    LifecycleHandler hook = spec.getLifecycle() == null ? null : spec.getLifecycle().getPostStart();
    if (hook == null) {
      return;
    }
    Prober.Outcome outcome =
        k.runtime().awaitSetUp(process, Duration.ofSeconds(30))
            ? handle(hook, spec, process, r.identity, r.env, Duration.ofSeconds(30))
            : new Prober.Outcome(false, "the container did not start");
    if (!outcome.success()) {
      k.events()
          .warning(
              pod,
              node,
              r.fieldPath,
              "FailedPostStartHook",
              "PostStartHook failed: " + outcome.message());
      k.runtime().stopContainer(process, gracePeriod(pod, null));
    }
  }

  private static Path scratchDir(Path scratch, String target) {
    Path dir = scratch.resolve(target.substring(1).replace('/', '_'));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new ContainerConfigException("cannot create " + dir + ": " + e.getMessage());
    }
    return dir;
  }

  private void configError(Pod pod, ContainerRecord r, String message) {
    r.held = new RunState.Waiting("CreateContainerConfigError", message);
    k.events().warning(pod, node, r.fieldPath, "Failed", "Error: " + message);
  }

  private void imagePullFailed(
      Pod pod, Container spec, ContainerRecord r, String message, Instant now) {
    String key = imageKey(spec);
    String image = spec.getImage();
    if (k.imageBackOff().inBackOff(key, now)) {
      if (r.pullFailedAt != null && now.isBefore(r.pullFailedAt.plus(ERR_IMAGE_PULL_SHOWN))) {
        return; // ErrImagePull stays up a while, as between a kubelet's syncs
      }
      r.held =
          new RunState.Waiting(
              "ImagePullBackOff",
              "Back-off pulling image \"" + image + "\": ErrImagePull: " + message);
      k.events()
          .normal(pod, node, r.fieldPath, "BackOff", "Back-off pulling image \"" + image + "\"");
      return;
    }
    k.imageBackOff().next(key, now);
    r.pullFailedAt = now;
    r.held = new RunState.Waiting("ErrImagePull", message);
    k.events()
        .warning(
            pod, node, r.fieldPath, "Failed", "Failed to pull image \"" + image + "\": " + message);
    k.events().warning(pod, node, r.fieldPath, "Failed", "Error: ErrImagePull");
  }

  private String imageKey(Container spec) {
    return uid + "/" + spec.getName() + "/" + spec.getImage();
  }

  private PodEnvironment.Context environmentContext(Pod pod) {
    return new PodEnvironment.Context(
        PodFiles.hostname(pod),
        podIp,
        k.options().address(),
        k.options().apiHost(),
        k.options().apiPort(),
        k.allocatable(),
        k.users());
  }

  // ---------------------------------------------------------------- probes

  private void runProbes(Pod pod, Instant now) {
    for (Container spec : allContainers(pod)) {
      ContainerRecord r = records.get(spec.getName());
      ProcessRuntime.ContainerProcess process = r == null ? null : r.process;
      if (process == null) {
        continue;
      }
      if (!k.runtime().setUp(process)) {
        continue; // not yet in its own root: a probe now would see the host
      }
      for (ProbeSchedule schedule : r.activeProbes()) {
        if (!schedule.due(now)) {
          continue;
        }
        schedule.begin(now);
        Map<String, String> env = r.env;
        PodEnvironment.Identity identity = r.identity;
        String ip = podIp;
        Thread.ofVirtual()
            .name("probe " + name + "/" + r.name)
            .start(
                () -> {
                  Prober.Outcome outcome =
                      probe(schedule.probe(), spec, process, identity, env, ip, schedule.timeout());
                  probeResults.add(new ProbeResult(r, process, schedule, outcome));
                  wake();
                });
      }
    }
  }

  private Prober.Outcome probe(
      Probe probe,
      Container spec,
      ProcessRuntime.ContainerProcess process,
      PodEnvironment.Identity identity,
      Map<String, String> env,
      String ip,
      Duration timeout) {
    try {
      if (probe.getExec() != null) {
        return k.prober().exec(probe.getExec(), process.pid, identity, env, timeout);
      }
      if (probe.getHttpGet() != null) {
        return k.prober().httpGet(probe.getHttpGet(), spec, ip, timeout);
      }
      if (probe.getTcpSocket() != null) {
        return k.prober().tcpSocket(probe.getTcpSocket(), spec, ip, timeout);
      }
      if (probe.getGrpc() != null) {
        return new Prober.Outcome(false, "grpc probes are not supported by the process kubelet");
      }
      return new Prober.Outcome(false, "probe has no handler");
    } catch (RuntimeException e) {
      return new Prober.Outcome(false, e.toString());
    }
  }

  private void applyProbeResults(Pod pod, Instant now) {
    ProbeResult result;
    while ((result = probeResults.poll()) != null) {
      ContainerRecord r = result.record();
      if (r.process != result.process()) {
        continue; // from a run that has ended
      }
      ProbeSchedule schedule = result.schedule();
      boolean changed = schedule.record(result.outcome().success(), now);
      if (!result.outcome().success()) {
        k.events()
            .warning(
                pod,
                node,
                r.fieldPath,
                "Unhealthy",
                schedule.kind().label + " probe failed: " + result.outcome().message());
      }
      r.updateReadiness();
      boolean fatal =
          schedule.kind() != ProbeSchedule.Kind.READINESS
              && schedule.result() == ProbeSchedule.Result.FAILURE;
      if (changed && fatal) {
        String kind = schedule.kind().label.toLowerCase(java.util.Locale.ROOT);
        k.events()
            .normal(
                pod,
                node,
                r.fieldPath,
                "Killing",
                "Container " + r.name + " failed " + kind + " probe, will be restarted");
        LOG.info("pod {}/{}: container {} failed its {} probe", namespace, name, r.name, kind);
        k.runtime().stopContainer(result.process(), gracePeriod(pod, schedule.probe()));
        observeExits(k.clock().instant());
      }
    }
  }

  // ---------------------------------------------------------------- status

  /** Writes the status if it changed; returns the phase. */
  private String writeStatus(Pod pod, Instant now) {
    List<ContainerStatus> init = new ArrayList<>();
    for (Container c : initContainers(pod)) {
      init.add(ContainerStatusBuilder.build(records.get(c.getName()).facts(c.getImage())));
    }
    List<ContainerStatus> app = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      app.add(ContainerStatusBuilder.build(records.get(c.getName()).facts(c.getImage())));
    }
    PodStatus status =
        PodStatusBuilder.build(
            new PodStatusBuilder.Input(
                pod,
                init,
                app,
                sandboxReady,
                podIp,
                k.options().address(),
                startTime,
                phaseOverride,
                now));
    try {
      if (k.statusWriter().write(pod, status)) {
        LOG.debug("pod {}/{}: status {}", namespace, name, status.getPhase());
      }
    } catch (KubernetesClientException e) {
      LOG.warn("pod {}/{}: cannot write status: {}", namespace, name, e.getMessage());
    }
    return status.getPhase();
  }

  /** A pod that reached Succeeded or Failed keeps nothing running and gives its address back. */
  private void finishTerminal(Pod pod, Instant now) {
    stopAll(pod, now, false);
    if (phaseOverride != null) {
      writeStatus(pod, now);
    }
    if (!networkReleased) {
      k.cni().tearDown(netns, uid);
      sandboxReady = false;
      networkReleased = true;
    }
  }

  // ---------------------------------------------------------------- termination

  private void terminate(Pod pod, Instant now) {
    if (!tornDown) {
      if (terminationStartedAt == null) {
        terminationStartedAt = now;
      }
      ensureRecords(pod, now);
      observeExits(now);
      stopAll(pod, now, false);
      observeExits(k.clock().instant());
      String observedPhase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
      if (!PodStatusBuilder.TERMINAL.contains(observedPhase)) {
        boolean allSucceeded =
            !restartPolicy(pod).equals("Always")
                && pod.getSpec().getContainers().stream()
                    .map(c -> records.get(c.getName()))
                    .allMatch(r -> r.lastExit != null && r.lastExit.exitCode() == 0);
        phaseOverride = allSucceeded ? "Succeeded" : "Failed";
        sandboxReady = false;
        writeStatus(pod, k.clock().instant());
      }
      tearDown();
    }
    if (deletePodObject(pod)) {
      finished = true;
    }
  }

  /**
   * Stops every running container: preStop hook, SIGTERM, the grace period, SIGKILL, all containers
   * at once. {@code now} marks the start for the grace period on deletion.
   */
  private void stopAll(Pod pod, Instant now, boolean immediately) {
    List<Thread> stoppers = new ArrayList<>();
    Instant deadline =
        immediately
            ? now
            : (terminationStartedAt != null ? terminationStartedAt : now)
                .plus(gracePeriod(pod, null));
    for (Container spec : allContainers(pod)) {
      ContainerRecord r = records.get(spec.getName());
      ProcessRuntime.ContainerProcess process = r == null ? null : r.process;
      if (process == null || !process.alive()) {
        continue;
      }
      stoppers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    if (!immediately) {
                      k.events()
                          .normal(
                              pod, node, r.fieldPath, "Killing", "Stopping container " + r.name);
                      runPreStop(pod, spec, r, process, deadline);
                    }
                    Duration left = Duration.between(k.clock().instant(), deadline);
                    k.runtime().stopContainer(process, left.isNegative() ? Duration.ZERO : left);
                  }));
    }
    for (Thread t : stoppers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** On kubelet shutdown: stop the containers within their grace period, and mark nothing. */
  void stopForShutdown() {
    Pod pod = this.pod;
    Instant now = k.clock().instant();
    List<Thread> stoppers = new ArrayList<>();
    for (ContainerRecord r : records.values()) {
      ProcessRuntime.ContainerProcess process = r.process;
      if (process != null && process.alive()) {
        stoppers.add(
            Thread.ofVirtual()
                .start(() -> k.runtime().stopContainer(process, gracePeriod(pod, null))));
      }
    }
    for (Thread t : stoppers) {
      try {
        t.join(gracePeriod(pod, null).plusSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    LOG.debug(
        "pod {}/{}: stopped for shutdown in {}",
        namespace,
        name,
        Duration.between(now, k.clock().instant()));
  }

  private void runPreStop(
      Pod pod,
      Container spec,
      ContainerRecord r,
      ProcessRuntime.ContainerProcess process,
      Instant deadline) {
    LifecycleHandler hook = spec.getLifecycle() == null ? null : spec.getLifecycle().getPreStop();
    if (hook == null) {
      return;
    }
    Duration left = Duration.between(k.clock().instant(), deadline);
    if (left.isNegative() || left.isZero() || !k.runtime().setUp(process)) {
      return;
    }
    Prober.Outcome outcome = handle(hook, spec, process, r.identity, r.env, left);
    if (!outcome.success()) {
      k.events()
          .warning(
              pod,
              node,
              r.fieldPath,
              "FailedPreStopHook",
              "PreStopHook failed: " + outcome.message());
    }
  }

  private Prober.Outcome handle(
      LifecycleHandler hook,
      Container spec,
      ProcessRuntime.ContainerProcess process,
      PodEnvironment.Identity identity,
      Map<String, String> env,
      Duration timeout) {
    if (hook.getExec() != null) {
      return k.prober().exec(hook.getExec(), process.pid, identity, env, timeout);
    }
    if (hook.getHttpGet() != null) {
      return k.prober().httpGet(hook.getHttpGet(), spec, podIp, timeout);
    }
    if (hook.getSleep() != null && hook.getSleep().getSeconds() != null) {
      long ms = Math.min(hook.getSleep().getSeconds() * 1000, timeout.toMillis());
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Prober.Outcome.ok();
    }
    return new Prober.Outcome(false, "unsupported lifecycle handler");
  }

  /** Removes the pod's network and state; its logs stay. Safe to repeat. */
  private void tearDown() {
    String netnsId = ProcessRuntime.namespaceOfFile(CniPlugin.path(netns), "net").orElse(null);
    if (netnsId != null) {
      // Anything still in the pod's network namespace (orphans of its containers) ends now.
      k.runtime().killAllIn("net", netnsId);
    }
    if (!networkReleased) {
      k.cni().tearDown(netns, uid);
      networkReleased = true;
    }
    sandboxReady = false;
    k.volumes().forget(uid);
    k.restartBackOff().forgetPrefix(uid + "/");
    k.imageBackOff().forgetPrefix(uid + "/");
    k.statusWriter().forget(uid);
    try {
      for (String part : List.of("volumes", "containers", "etc", "pod.json")) {
        VolumeManager.deleteTree(podDir.resolve(part));
      }
    } catch (IOException e) {
      LOG.warn("pod {}/{}: cannot remove its state: {}", namespace, name, e.toString());
    }
    tornDown = true;
    LOG.info("pod {}/{}: torn down", namespace, name);
  }

  /** Deletes the Pod object with grace period 0, only if it is still this pod (same uid). */
  private boolean deletePodObject(Pod pod) {
    HttpClient http = k.client().getHttpClient();
    String url =
        k.client().getMasterUrl().toString().replaceAll("/$", "")
            + "/api/v1/namespaces/"
            + namespace
            + "/pods/"
            + name;
    String body =
        "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\",\"gracePeriodSeconds\":0,"
            + "\"preconditions\":{\"uid\":\""
            + uid
            + "\"}}";
    try {
      HttpRequest request =
          http.newHttpRequestBuilder().uri(url).method("DELETE", "application/json", body).build();
      HttpResponse<String> response =
          http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
      int code = response.code();
      // 404: already gone; 409: the name now belongs to a newer pod, ours is gone.
      if (code / 100 == 2 || code == 404 || code == 409) {
        return true;
      }
      LOG.warn("pod {}/{}: delete answered {}: {}", namespace, name, code, response.body());
      return false;
    } catch (Exception e) {
      LOG.warn("pod {}/{}: cannot delete: {}", namespace, name, e.toString());
      return false;
    }
  }

  // ---------------------------------------------------------------- for the log server

  /** The log file of a container's current (or previous) run, if there is one. */
  Optional<LogTarget> logTarget(String container, boolean previous) {
    ContainerRecord r = records.get(container);
    if (r == null) {
      return Optional.empty();
    }
    ProcessRuntime.ContainerProcess p = r.process;
    int current = p != null ? p.restartCount : r.restartCount;
    int run = previous ? current - 1 : current;
    if (run < 0) {
      return Optional.empty();
    }
    Path file = podDir.resolve("logs").resolve(container).resolve(run + ".log");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    boolean running = !previous && p != null && p.alive();
    return Optional.of(new LogTarget(file, running));
  }

  /** Whether the run that writes {@code file} is still going. */
  boolean writing(String container, Path file) {
    ContainerRecord r = records.get(container);
    ProcessRuntime.ContainerProcess p = r == null ? null : r.process;
    return p != null && p.alive() && file.getFileName().toString().equals(p.restartCount + ".log");
  }

  /** Why a container has no log yet (the kubelet's message for kubectl logs). */
  String waitingReason(String container) {
    ContainerRecord r = records.get(container);
    if (r == null) {
      return null;
    }
    return r.held != null ? r.held.reason() : "ContainerCreating";
  }

  // ---------------------------------------------------------------- helpers

  private static List<Container> initContainers(Pod pod) {
    return pod.getSpec().getInitContainers() == null
        ? List.of()
        : pod.getSpec().getInitContainers();
  }

  private static List<Container> allContainers(Pod pod) {
    List<Container> all = new ArrayList<>(initContainers(pod));
    all.addAll(pod.getSpec().getContainers());
    return all;
  }

  private static String restartPolicy(Pod pod) {
    return Optional.ofNullable(pod.getSpec().getRestartPolicy()).orElse("Always");
  }

  /**
   * terminationGracePeriodSeconds (a probe's own wins for a probe kill), cut short by the
   * deletion's grace period.
   */
  static Duration gracePeriod(Pod pod, Probe probe) {
    long seconds =
        Optional.ofNullable(pod.getSpec().getTerminationGracePeriodSeconds()).orElse(30L);
    if (probe != null && probe.getTerminationGracePeriodSeconds() != null) {
      seconds = probe.getTerminationGracePeriodSeconds();
    }
    Long deletion = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (deletion != null) {
      seconds = Math.min(seconds, deletion);
    }
    return Duration.ofSeconds(Math.max(0, seconds));
  }

  private static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 60 && s % 60 == 0
        ? (s / 60) + "m0s"
        : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
