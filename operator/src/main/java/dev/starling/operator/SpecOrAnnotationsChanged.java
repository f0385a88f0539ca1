package dev.starling.operator;

import dev.starling.operator.api.v1alpha1.ReplicaSet;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Objects;

/**
 * Which updates of a ReplicaSet start a reconcile: a new generation (the spec changed), changed
 * annotations (step-down, fence, approve), or the start of its deletion. Status writes, the
 * operator's own included, do not.
 */
public class SpecOrAnnotationsChanged implements OnUpdateFilter<ReplicaSet> {
  @Override
  public boolean accept(ReplicaSet updated, ReplicaSet old) {
    return !Objects.equals(updated.getMetadata().getGeneration(), old.getMetadata().getGeneration())
        || !Objects.equals(
            updated.getMetadata().getAnnotations(), old.getMetadata().getAnnotations())
        || updated.isMarkedForDeletion() != old.isMarkedForDeletion();
  }
}
