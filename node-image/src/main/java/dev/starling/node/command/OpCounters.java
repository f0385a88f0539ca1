package dev.starling.node.command;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** serverStatus opcounters: operations by kind since startup. */
public final class OpCounters {
  /** The opcounters buckets, named as serverStatus shows them. */
  public enum Kind {
    INSERT("insert"),
    QUERY("query"),
    UPDATE("update"),
    DELETE("delete"),
    GETMORE("getmore"),
    COMMAND("command"),
    NONE("none");

    private final String field;

    Kind(String field) {
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  private final Map<Kind, AtomicLong> counts = new EnumMap<>(Kind.class);

  public OpCounters() {
    for (Kind kind : Kind.values()) {
      counts.put(kind, new AtomicLong());
    }
  }

  public void add(Kind kind, long n) {
    counts.get(kind).addAndGet(n);
  }

  public long get(Kind kind) {
    return counts.get(kind).get();
  }
}
