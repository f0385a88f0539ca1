package dev.starling.operator;

import dev.starling.operator.api.v1alpha1.ReplicaSet;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Events on a ReplicaSet, as {@code kubectl describe srs} and {@code kubectl get events} show them:
 * Normal for every action, Warning for refusals and failed actions. An Event that cannot be written
 * is logged, never a reason to fail the reconcile.
 */
class EventRecorder {
  static final String COMPONENT = "starling-operator";
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final String instance;
  private final AtomicLong sequence = new AtomicLong();

  EventRecorder(KubernetesClient client, String instance) {
    this.client = client;
    this.instance = instance;
  }

  void normal(ReplicaSet rs, String reason, String message, Instant now) {
    record(rs, "Normal", reason, message, now);
  }

  void warning(ReplicaSet rs, String reason, String message, Instant now) {
    record(rs, "Warning", reason, message, now);
  }

  private void record(ReplicaSet rs, String type, String reason, String message, Instant now) {
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    String name =
        rs.getMetadata().getName()
            + "."
            + Long.toHexString(now.toEpochMilli())
            + Long.toHexString(sequence.incrementAndGet() & 0xfff);
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(rs.getMetadata().getNamespace())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion(ReplicaSet.API_VERSION)
            .withKind(ReplicaSet.KIND)
            .withName(rs.getMetadata().getName())
            .withNamespace(rs.getMetadata().getNamespace())
            .withUid(rs.getMetadata().getUid())
            .withResourceVersion(rs.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType(type)
            .withReason(reason)
            .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
            .withFirstTimestamp(time)
            .withLastTimestamp(time)
            .withCount(1)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(instance)
            .build();
    try {
      client.v1().events().inNamespace(rs.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      LOG.warnf("could not record the event %s %s on %s: %s", type, reason, name, e.getMessage());
    }
  }
}
