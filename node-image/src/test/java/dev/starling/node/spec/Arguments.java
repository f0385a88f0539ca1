package dev.starling.node.spec;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * The arguments of one operation, remembering which ones the operation read: {@link #checkAllUsed}
 * turns every argument nobody read into an "unsupported argument" failure, so that a test never
 * passes while the runner ignored part of it.
 */
final class Arguments {
  private final String operation;
  private final BsonDocument arguments;
  private final Set<String> used = new HashSet<>();

  Arguments(String operation, BsonDocument arguments) {
    this.operation = operation;
    this.arguments = arguments == null ? new BsonDocument() : arguments;
  }

  String operation() {
    return operation;
  }

  boolean has(String name) {
    return arguments.containsKey(name);
  }

  /** The argument's value, or null when absent; marks it used. */
  BsonValue get(String name) {
    used.add(name);
    return arguments.get(name);
  }

  BsonValue required(String name) {
    BsonValue value = get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing argument " + name + " of " + operation);
    }
    return value;
  }

  BsonDocument document(String name) {
    BsonValue value = get(name);
    return value == null ? null : value.asDocument();
  }

  String string(String name) {
    BsonValue value = get(name);
    return value == null ? null : value.asString().getValue();
  }

  Boolean bool(String name) {
    BsonValue value = get(name);
    return value == null ? null : value.asBoolean().getValue();
  }

  Integer integer(String name) {
    BsonValue value = get(name);
    return value == null ? null : value.asNumber().intValue();
  }

  Long longValue(String name) {
    BsonValue value = get(name);
    return value == null ? null : value.asNumber().longValue();
  }

  /** Marks an argument used without reading it (one the runner may safely ignore). */
  void ignore(String name) {
    used.add(name);
  }

  /** The filter argument, or an empty filter. */
  BsonDocument filter() {
    BsonDocument filter = document("filter");
    return filter == null ? new BsonDocument() : filter;
  }

  /** Gives the argument to {@code apply} when present. */
  void ifPresent(String name, Consumer<BsonValue> apply) {
    BsonValue value = get(name);
    if (value != null) {
      apply.accept(value);
    }
  }

  /** Gives a {@code hint} argument to the option setter for its form: an index name or keys. */
  void hint(Consumer<Bson> keys, Consumer<String> name) {
    BsonValue hint = get("hint");
    if (hint == null) {
      return;
    }
    if (hint.isString()) {
      name.accept(hint.asString().getValue());
    } else {
      keys.accept(hint.asDocument());
    }
  }

  void checkAllUsed() {
    for (String name : arguments.keySet()) {
      if (!used.contains(name)) {
        throw Unsupported.argument(name, operation);
      }
    }
  }
}
