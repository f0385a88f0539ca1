package dev.starling.node.repl;

import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.types.ObjectId;

/**
 * hello's {@code topologyVersion}: a process id and a counter that goes up whenever what hello
 * answers about the set changes (state, primary, config, term). A driver that sees it monitors with
 * awaitable hello: it sends back the version it knows with {@code maxAwaitTimeMS}, and the reply
 * waits until the version moves on or that time passes, so the driver learns of an election or a
 * step-down as it happens instead of at its next poll.
 */
public final class TopologyVersion {
  /** One version, as hello reports it. */
  public record Version(ObjectId processId, long counter) {
    public BsonDocument toBsonDocument() {
      return new BsonDocument("processId", new BsonObjectId(processId))
          .append("counter", new BsonInt64(counter));
    }
  }

  /** What hello answers about the set; the counter goes up when it changes. */
  record View(
      String state,
      boolean writablePrimary,
      int primaryId,
      int configVersion,
      long configTerm,
      long term) {}

  private final ObjectId processId = new ObjectId();
  private long counter; // guarded by this
  private View last; // guarded by this
  private boolean closed; // guarded by this

  /** The current version. */
  synchronized Version current() {
    return new Version(processId, counter);
  }

  /** Records what hello would answer now; a change moves the counter on and wakes waiters. */
  synchronized void observe(View view) {
    if (view.equals(last)) {
      return;
    }
    if (last != null) {
      counter++;
      notifyAll();
    }
    last = view;
  }

  /** The node is closing: waiters return. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  /**
   * Waits up to {@code maxAwaitMillis} while the caller's version ({@code processId}, {@code
   * counter}) is the current one. A version from another process, or an older counter, returns at
   * once: the caller is behind. Returns false if the node is closing.
   */
  synchronized boolean awaitChange(ObjectId processId, long counter, long maxAwaitMillis)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + maxAwaitMillis;
    while (!closed && this.processId.equals(processId) && this.counter == counter) {
      long wait = deadline - System.currentTimeMillis();
      if (wait <= 0) {
        break;
      }
      wait(wait);
    }
    return !closed;
  }
}
