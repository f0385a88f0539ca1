package dev.starling.operator;

import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoSocketReadTimeoutException;
import dev.starling.operator.api.v1alpha1.LastAction;
import dev.starling.operator.api.v1alpha1.ReplicaSet;
import dev.starling.operator.model.ReplicaSetModel;
import dev.starling.operator.observe.ConfigDocuments;
import dev.starling.operator.observe.NodeAdmin;
import dev.starling.operator.observe.Observation;
import dev.starling.operator.plan.Action;
import dev.starling.operator.plan.DefaultWriteConcern;
import dev.starling.operator.plan.Reason;
import dev.starling.operator.status.Outcome;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.jboss.logging.Logger;

/**
 * Carries out the planner's one action: a command to a member through the {@link NodeAdmin}, or a
 * StatefulSet's new size. A reconfig sends the planned config written onto the document the primary
 * returned, so the fields the planner does not manage travel unchanged.
 */
final class Actor {
  private static final Logger LOG = Logger.getLogger(Actor.class);

  private final NodeAdmin nodes;
  private final Dependents dependents;

  Actor(NodeAdmin nodes, Dependents dependents) {
    this.nodes = nodes;
    this.dependents = dependents;
  }

  Outcome act(
      Action action,
      ReplicaSetModel model,
      Observation observation,
      Context<ReplicaSet> context,
      Instant now) {
    String handled = null;
    String approved = null;
    try {
      switch (action) {
        case Action.None n -> {
          return Outcome.NOTHING;
        }
        case Action.Initiate i ->
            nodes.replSetInitiate(i.target(), ConfigDocuments.render(i.config(), null));
        case Action.GrowStatefulSet g -> dependents.scale(model, g.statefulSet(), g.to(), context);
        case Action.ShrinkStatefulSet s ->
            dependents.scale(model, s.statefulSet(), s.to(), context);
        case Action.Reconfig r ->
            nodes.replSetReconfig(
                observation.set().primary(),
                ConfigDocuments.render(r.next(), observation.configDocument()));
        case Action.StepDown s -> {
          if (s.reason() == Reason.RollPrimary) {
            approved = s.annotationValue();
          } else {
            handled = s.annotationValue();
          }
          try {
            nodes.replSetStepDown(s.host(), s.stepDownSeconds(), s.catchUpSeconds());
          } catch (MongoSocketReadException
              | MongoSocketReadTimeoutException
              | MongoOperationTimeoutException e) {
            // Sent, reply lost: the primary may well have stepped down. Counting it as done keeps
            // one annotation value from causing two step-downs; the next observation shows which.
            LOG.warnf("step-down of %s: no reply (%s); counted as done", s.host(), e.getMessage());
          }
        }
        case Action.ResizeOplog r -> nodes.replSetResizeOplog(r.host(), r.sizeMB());
        case Action.RestartMember r ->
            dependents.restart(model, r.member(), r.resourceVersion(), context);
        case Action.SetDefaultWriteConcern w ->
            nodes.setDefaultWriteConcern(
                observation.set().primary(), writeConcern(w.writeConcern()));
      }
    } catch (RuntimeException e) {
      LOG.warnf(
          "%s/%s: %s failed: %s", model.namespace(), model.name(), action.describe(), e.toString());
      return Outcome.failed(action.describe() + " failed: " + message(e));
    }
    LastAction last =
        new LastAction(
            action.type(),
            action.member(),
            action.reason().name(),
            now.truncatedTo(ChronoUnit.SECONDS).toString());
    return new Outcome(last, handled, null, approved);
  }

  static BsonDocument writeConcern(DefaultWriteConcern wc) {
    BsonDocument doc = new BsonDocument();
    if (wc.w() instanceof Integer n) {
      doc.append("w", new BsonInt32(n));
    } else if (wc.w() instanceof String s) {
      doc.append("w", new BsonString(s));
    }
    if (wc.j() != null) {
      doc.append("j", BsonBoolean.valueOf(wc.j()));
    }
    if (wc.wtimeout() != null) {
      doc.append("wtimeout", new BsonInt32(wc.wtimeout()));
    }
    return doc;
  }

  private static String message(RuntimeException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
