package dev.starling.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts core/v1 Events as the kubelet does (source component "kubelet", host the node), off the
 * caller's thread. A repeat of the same event (same object, field, reason and message) updates the
 * first one's count and lastTimestamp, at most every {@link #REPEAT_INTERVAL}, so that a pod in
 * back-off does not flood the API server.
 */
final class EventRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  static final Duration REPEAT_INTERVAL = Duration.ofSeconds(10);
  private static final int MAX_REMEMBERED = 4096;
  private static final java.util.concurrent.atomic.AtomicLong SEQUENCE =
      new java.util.concurrent.atomic.AtomicLong();

  private static final class Sent {
    String name;
    String namespace;
    int count;
    Instant lastPosted;
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final ExecutorService poster =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
  private final Map<String, Sent> sent =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };

  EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void normal(HasMetadata object, String node, String fieldPath, String reason, String message) {
    record(object, node, fieldPath, "Normal", reason, message);
  }

  void warning(HasMetadata object, String node, String fieldPath, String reason, String message) {
    record(object, node, fieldPath, "Warning", reason, message);
  }

  private void record(
      HasMetadata object,
      String node,
      String fieldPath,
      String type,
      String reason,
      String message) {
    Instant now = clock.instant();
    String key =
        object.getMetadata().getUid() + "|" + fieldPath + "|" + type + "|" + reason + "|" + message;
    Sent s;
    boolean create;
    synchronized (sent) {
      s = sent.get(key);
      create = s == null;
      if (create) {
        s = new Sent();
        s.namespace =
            object.getMetadata().getNamespace() == null
                ? "default"
                : object.getMetadata().getNamespace();
        s.name = object.getMetadata().getName() + "." + Long.toHexString(nanos(now));
        sent.put(key, s);
      }
      s.count++;
      if (!create && Duration.between(s.lastPosted, now).compareTo(REPEAT_INTERVAL) < 0) {
        return; // counted; posted with the next repeat
      }
      s.lastPosted = now;
    }
    Sent target = s;
    int count = s.count;
    String time = ContainerStatusBuilder.time(now);
    if (create) {
      Event event =
          new EventBuilder()
              .withNewMetadata()
              .withName(s.name)
              .withNamespace(s.namespace)
              .endMetadata()
              .withNewInvolvedObject()
              .withApiVersion(object.getApiVersion() == null ? "v1" : object.getApiVersion())
              .withKind(object.getKind() == null ? "Pod" : object.getKind())
              .withName(object.getMetadata().getName())
              .withNamespace(object.getMetadata().getNamespace())
              .withUid(object.getMetadata().getUid())
              .withResourceVersion(object.getMetadata().getResourceVersion())
              .withFieldPath(fieldPath)
              .endInvolvedObject()
              .withType(type)
              .withReason(reason)
              .withMessage(message)
              .withCount(1)
              .withFirstTimestamp(time)
              .withLastTimestamp(time)
              .withNewSource()
              .withComponent("kubelet")
              .withHost(node)
              .endSource()
              .withReportingComponent("kubelet")
              .withReportingInstance(node)
              .build();
      poster.execute(() -> post(event));
    } else {
      poster.execute(() -> bump(target, count, time));
    }
  }

  private void post(Event event) {
    try {
      client.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warn(
          "cannot post event {} {}: {}", event.getReason(), event.getMessage(), e.getMessage());
    }
  }

  private void bump(Sent s, int count, String time) {
    try {
      client
          .v1()
          .events()
          .inNamespace(s.namespace)
          .withName(s.name)
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"count\":" + count + ",\"lastTimestamp\":\"" + time + "\"}");
    } catch (KubernetesClientException e) {
      LOG.debug("cannot update event {}: {}", s.name, e.getMessage());
    }
  }

  /** Like the kubelet's name suffix (the time in ns), made unique within this process. */
  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano() + SEQUENCE.incrementAndGet();
  }

  @Override
  public void close() {
    poster.shutdown();
  }
}
