package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods bound to our nodes, one {@link PodWorker} each, fed by one pod informer per node (field
 * selector spec.nodeName, as each real kubelet watches its own). Also collects the network
 * namespaces of pods that no longer exist.
 */
final class PodWorkers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);
  private static final Duration GC_PERIOD = Duration.ofSeconds(30);
  private static final int FINISHED_REMEMBERED = 1024;

  private final KubeletContext k;
  private final Map<String, PodWorker> workers = new ConcurrentHashMap<>();

  /** uids whose worker finished, so that late watch events do not start a new one. */
  private final Set<String> finishedUids =
      Collections.newSetFromMap(
          Collections.synchronizedMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > FINISHED_REMEMBERED;
                }
              }));

  private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
  private final ScheduledExecutorService gc =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().factory());
  private volatile boolean shuttingDown;

  PodWorkers(KubeletContext k) {
    this.k = k;
  }

  void start() {
    for (String node : k.options().nodeNames()) {
      informers.add(
          k.client()
              .pods()
              .inAnyNamespace()
              .withField("spec.nodeName", node)
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                      seen(pod);
                    }

                    @Override
                    public void onUpdate(Pod old, Pod pod) {
                      seen(pod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean unknownFinalState) {
                      gone(pod);
                    }
                  },
                  PodWorker.RESYNC.toMillis() * 15));
    }
    gc.scheduleWithFixedDelay(
        this::collectNetworkNamespaces,
        GC_PERIOD.toSeconds(),
        GC_PERIOD.toSeconds(),
        TimeUnit.SECONDS);
  }

  private void seen(Pod pod) {
    if (shuttingDown) {
      return;
    }
    String uid = pod.getMetadata().getUid();
    if (finishedUids.contains(uid)) {
      return;
    }
    PodWorker worker =
        workers.computeIfAbsent(
            uid,
            u -> {
              PodWorker w = new PodWorker(k, this, pod);
              LOG.info(
                  "pod {}/{} ({}) on {}",
                  pod.getMetadata().getNamespace(),
                  pod.getMetadata().getName(),
                  u,
                  pod.getSpec().getNodeName());
              w.start();
              return w;
            });
    worker.update(pod);
  }

  private void gone(Pod pod) {
    PodWorker worker = workers.get(pod.getMetadata().getUid());
    if (worker != null) {
      worker.deleted();
    }
  }

  boolean shuttingDown() {
    return shuttingDown;
  }

  void finished(PodWorker worker) {
    finishedUids.add(worker.uid);
    workers.remove(worker.uid, worker);
  }

  /** True while another pod of the same namespace and name is still being torn down. */
  boolean otherInstanceActive(PodWorker worker) {
    for (PodWorker other : workers.values()) {
      if (other != worker
          && !other.finished()
          && other.namespace.equals(worker.namespace)
          && other.name.equals(worker.name)
          && (other.pod().getMetadata().getDeletionTimestamp() != null || other.isGone())) {
        return true;
      }
    }
    return false;
  }

  /** The worker of the pod namespace/name (the newest, when a replacement exists). */
  Optional<PodWorker> find(String namespace, String name) {
    PodWorker found = null;
    for (PodWorker w : workers.values()) {
      if (w.namespace.equals(namespace) && w.name.equals(name)) {
        if (found == null || w.pod().getMetadata().getDeletionTimestamp() == null) {
          found = w;
        }
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * Kills what runs in every pod network namespace a previous kubelet left (its containers died
   * with it, but their children may not have), before any pod is started again.
   */
  void cleanUpAfterPreviousRun() {
    for (String netns : CniPlugin.list(k.options().netnsPrefix())) {
      ProcessRuntime.namespaceOfFile(CniPlugin.path(netns), "net")
          .ifPresent(
              id -> {
                int killed = k.runtime().killAllIn("net", id);
                if (killed > 0) {
                  LOG.info("killed {} leftover processes in {}", killed, netns);
                }
              });
    }
  }

  /** Deletes network namespaces with our prefix that belong to no pod we know. */
  void collectNetworkNamespaces() {
    if (informers.isEmpty() || !informers.stream().allMatch(SharedIndexInformer::hasSynced)) {
      return; // without the full pod list, a live pod's namespace could look orphaned
    }
    try {
      String prefix = k.options().netnsPrefix();
      for (String netns : CniPlugin.list(prefix)) {
        String uid8 = netns.substring(prefix.length());
        boolean owned =
            workers.values().stream().anyMatch(w -> w.uid.startsWith(uid8) && !w.finished());
        boolean known =
            informers.stream()
                .flatMap(i -> i.getStore().list().stream())
                .anyMatch(p -> p.getMetadata().getUid().startsWith(uid8));
        if (owned || known) {
          continue;
        }
        LOG.info("deleting network namespace {}, which belongs to no pod", netns);
        ProcessRuntime.namespaceOfFile(CniPlugin.path(netns), "net")
            .ifPresent(id -> k.runtime().killAllIn("net", id));
        k.cni().tearDown(netns, k.cni().containerIdFor(uid8).orElse(uid8));
      }
    } catch (RuntimeException e) {
      LOG.warn("network namespace collection failed", e);
    }
  }

  /**
   * SIGTERM: stop watching, stop every container within its grace period, and leave the API objects
   * alone (the pods come back when the kubelet does).
   */
  void shutdown() {
    shuttingDown = true;
    informers.forEach(SharedIndexInformer::close);
    gc.shutdownNow();
    List<Thread> stoppers = new ArrayList<>();
    for (PodWorker w : workers.values()) {
      stoppers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    synchronized (w) {
                      w.stopForShutdown();
                    }
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

  @Override
  public void close() {
    shutdown();
  }
}
