package dev.starling.operator.plan;

import dev.starling.operator.api.v1alpha1.WriteConcern;

/**
 * A cluster-wide default write concern as setDefaultRWConcern takes it. {@code w} is an Integer (a
 * number of members) or a String ({@code "majority"} or a mode name).
 */
public record DefaultWriteConcern(Object w, Boolean j, Integer wtimeout) {
  public DefaultWriteConcern {
    if (w != null && !(w instanceof Integer) && !(w instanceof String)) {
      throw new IllegalArgumentException("w must be a number or a string, not " + w);
    }
  }

  public static DefaultWriteConcern majority() {
    return new DefaultWriteConcern("majority", null, null);
  }

  /** The spec's default write concern, or null when the spec asks for none. */
  public static DefaultWriteConcern of(WriteConcern spec) {
    if (spec == null) {
      return null;
    }
    Object w = null;
    if (spec.getW() != null) {
      w = spec.getW().getIntVal() != null ? spec.getW().getIntVal() : spec.getW().getStrVal();
    }
    return new DefaultWriteConcern(w, spec.getJ(), spec.getWtimeout());
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("{w: ").append(w instanceof String ? "\"" + w + "\"" : w);
    if (j != null) {
      s.append(", j: ").append(j);
    }
    if (wtimeout != null) {
      s.append(", wtimeout: ").append(wtimeout);
    }
    return s.append('}').toString();
  }
}
