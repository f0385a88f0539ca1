package dev.starling.operator.observe;

import dev.starling.operator.plan.ObservedSet;
import org.bson.BsonDocument;

/**
 * One observation of a set: what the planner reads, and what only the reconciler needs.
 *
 * @param set the planner's view
 * @param term the current election term (the primary's, else the highest any member reports); null
 *     when no member answered with one
 * @param configDocument the config document {@code set.config()} was read from (the primary's when
 *     there is one), which a reconfig is written onto; null before initiation
 */
public record Observation(ObservedSet set, Long term, BsonDocument configDocument) {}
