package dev.starling.node.repl;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.core.OpTime;
import dev.starling.node.storage.CollectionMeta;
import dev.starling.node.storage.Column;
import dev.starling.node.storage.StorageEngine;
import dev.starling.node.storage.WriteObserver;
import dev.starling.node.util.Log;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * Retryable writes: which statements of a session's transaction number this primary has executed,
 * so that a driver's retry gets the original outcome instead of a second write.
 *
 * <p>What is durable, as in mongod:
 *
 * <ul>
 *   <li>Every write of a retryable statement is logged with {@code lsid}, {@code txnNumber}, {@code
 *       stmtId} and {@code prevOpTime} (the session's previous write of the same transaction
 *       number; a null OpTime for its first): the statements of one transaction number form a chain
 *       through the oplog.
 *   <li>{@code config.transactions} holds one document per session, {@code {_id: lsid, txnNum,
 *       lastWriteOpTime, lastWriteDate}}, written by {@link OplogWriter} in the batch of the entry
 *       it describes: on the primary that writes the entry and on every member that applies it. It
 *       is never logged itself, so a new primary, a member after rollback or after initial sync has
 *       the record that matches its oplog.
 *   <li>{@code config.image_collection} holds, per session, the document a retried findAndModify
 *       returns ({@code {_id: lsid, txnNum, ts, imageKind, image}}), from the write's before or
 *       after image, in the same batch; an entry marks it with {@code needsRetryImage}.
 * </ul>
 *
 * <p>In memory, a session is loaded from those on its first checkout in a term and then kept up to
 * date by its own writes. A new term (this node primary again) reloads it: what another primary
 * wrote meanwhile, or a rollback, is then seen. A checkout holds the session's lock, so one
 * session's commands run one at a time.
 */
public final class RetryableWrites {
  public static final String DB = "config";
  public static final String TRANSACTIONS = "transactions";
  public static final String IMAGES = "image_collection";

  /** The {@code prevOpTime} of a transaction number's first write. */
  static final OpTime NO_PREVIOUS = OpTime.NULL;

  private static final ThreadLocal<Statement> STATEMENT = new ThreadLocal<>();

  private final StorageEngine storage;
  private final LongSupplier term;
  private final Map<BsonDocument, Session> sessions = new ConcurrentHashMap<>();
  private volatile boolean warnedMissing;

  /** One session's retryable-write state; read and changed only under {@link #lock}. */
  private static final class Session {
    final ReentrantLock lock = new ReentrantLock();
    long loadedTerm = Long.MIN_VALUE;
    long txnNumber = -1;
    OpTime lastWrite;
    final Map<Integer, OpTime> executed = new HashMap<>();
    boolean incomplete;

    void startTransaction(long number) {
      txnNumber = number;
      lastWrite = null;
      executed.clear();
      incomplete = false;
    }
  }

  /**
   * @param term the current term: a session loaded in an earlier one is loaded again
   */
  public RetryableWrites(StorageEngine storage, LongSupplier term) {
    this.storage = storage;
    this.term = term;
  }

  /**
   * Creates {@code config.transactions} and {@code config.image_collection} if they are missing, as
   * ordinary logged creates (so members and initial syncs have them with the same UUIDs). Call
   * before a retryable write, outside any write.
   */
  public void ensureCollections() {
    for (String name : new String[] {TRANSACTIONS, IMAGES}) {
      if (storage.collection(DB, name) == null) {
        try {
          storage.createCollection(DB, name, new BsonDocument());
        } catch (MongoServerException e) {
          if (e.error() != ErrorCode.NAMESPACE_EXISTS) {
            throw e;
          }
        }
      }
    }
  }

  /**
   * Checks the session out for a write with {@code txnNumber}: 225 TransactionTooOld if the session
   * has already begun a newer one. Close the checkout to let the session's next command run.
   */
  public Checkout checkOut(BsonDocument lsid, long txnNumber) {
    BsonDocument key = lsid.clone();
    Session s = sessions.computeIfAbsent(key, k -> new Session());
    s.lock.lock();
    try {
      long now = term.getAsLong();
      if (s.loadedTerm != now) {
        load(key, s);
        s.loadedTerm = now;
      }
      if (txnNumber < s.txnNumber) {
        throw new MongoServerException(
            ErrorCode.TRANSACTION_TOO_OLD,
            "Retryable write with txnNumber "
                + txnNumber
                + " is prohibited on session "
                + describe(key)
                + " because a newer retryable write with txnNumber "
                + s.txnNumber
                + " has already started on this session.");
      }
      if (txnNumber > s.txnNumber) {
        s.startTransaction(txnNumber);
      }
      return new Checkout(key, s);
    } catch (RuntimeException | Error e) {
      s.lock.unlock();
      throw e;
    }
  }

  /** Forgets an ended or expired session's memory (its durable record stays). */
  public void forget(BsonDocument lsid) {
    Session s = sessions.get(lsid);
    if (s != null && s.lock.tryLock()) {
      try {
        sessions.remove(lsid, s);
      } finally {
        s.lock.unlock();
      }
    }
  }

  /** Sessions held in memory (for serverStatus and tests). */
  public int sessionsInMemory() {
    return sessions.size();
  }

  /** Loads a session from its record and the chain of its last transaction number's entries. */
  private void load(BsonDocument lsid, Session s) {
    s.startTransaction(-1);
    CollectionMeta transactions = storage.collection(DB, TRANSACTIONS);
    BsonDocument record = transactions == null ? null : storage.findById(transactions, lsid);
    if (record == null) {
      return;
    }
    s.startTransaction(record.getNumber("txnNum").longValue());
    OpTime last = opTime(record.getDocument("lastWriteOpTime"));
    s.lastWrite = last;
    BsonTimestamp ts = last.ts();
    while (ts.getValue() != 0) {
      byte[] bytes = storage.get(Column.OPLOG, OplogWriter.key(ts));
      if (bytes == null) {
        s.incomplete = true; // the oplog was truncated past this transaction's first write
        return;
      }
      BsonDocument entry = BsonCodec.decode(bytes);
      if (!lsid.equals(entry.get("lsid"))
          || !(entry.get("txnNumber") instanceof BsonValue n)
          || n.asNumber().longValue() != s.txnNumber
          || !(entry.get("prevOpTime") instanceof BsonDocument previous)) {
        s.incomplete = true;
        return;
      }
      s.executed.putIfAbsent(entry.getNumber("stmtId").intValue(), opTime(entry));
      ts = previous.getTimestamp("ts");
    }
  }

  private static OpTime opTime(BsonDocument doc) {
    return new OpTime(doc.getTimestamp("ts"), doc.getNumber("t").longValue());
  }

  static String describe(BsonDocument lsid) {
    BsonValue id = lsid.get("id");
    return id != null && id.isBinary() && id.asBinary().getData().length == 16
        ? id.asBinary().asUuid().toString()
        : lsid.toJson();
  }

  /** A session checked out for one command with a transaction number. */
  public final class Checkout implements AutoCloseable {
    private final BsonDocument lsid;
    private final Session session;
    private boolean closed;

    private Checkout(BsonDocument lsid, Session session) {
      this.lsid = lsid;
      this.session = session;
    }

    public long txnNumber() {
      return session.txnNumber;
    }

    /**
     * The oplog entry of statement {@code stmtId} if this transaction number already executed it,
     * else null; 217 IncompleteTransactionHistory when the history that would tell is gone.
     */
    public BsonDocument executed(int stmtId) {
      OpTime at = session.executed.get(stmtId);
      if (at == null) {
        if (session.incomplete) {
          throw incomplete();
        }
        return null;
      }
      byte[] bytes = storage.get(Column.OPLOG, OplogWriter.key(at.ts()));
      if (bytes == null) {
        throw incomplete();
      }
      return BsonCodec.decode(bytes);
    }

    /**
     * The document a findAndModify stored with its write logged at {@code ts}; 217 when it is not
     * there (it was written where the image could not be known).
     */
    public BsonDocument image(BsonTimestamp ts) {
      CollectionMeta images = storage.collection(DB, IMAGES);
      BsonDocument doc = images == null ? null : storage.findById(images, lsid);
      if (doc == null
          || doc.getNumber("txnNum").longValue() != session.txnNumber
          || !ts.equals(doc.get("ts"))
          || doc.getBoolean("invalidated", BsonBoolean.FALSE).getValue()) {
        throw incomplete();
      }
      return doc.getDocument("image");
    }

    private MongoServerException incomplete() {
      return new MongoServerException(
          ErrorCode.INCOMPLETE_TRANSACTION_HISTORY,
          "Incomplete history detected for transaction "
              + session.txnNumber
              + " on session "
              + describe(lsid));
    }

    /**
     * Runs statement {@code stmtId}'s write: its oplog entry carries this session, and a
     * findAndModify's ({@code retryImage} "preImage" or "postImage", else null) stores the document
     * a retry returns.
     */
    public void run(int stmtId, String retryImage, Runnable write) {
      Statement previous = STATEMENT.get();
      STATEMENT.set(new Statement(this, stmtId, retryImage));
      try {
        write.run();
      } finally {
        if (previous == null) {
          STATEMENT.remove();
        } else {
          STATEMENT.set(previous);
        }
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        session.lock.unlock();
      }
    }
  }

  /** A retryable statement writing on this thread now: {@link OplogWriter} tags its entry. */
  static final class Statement {
    private final Checkout checkout;
    private final int stmtId;
    private final String retryImage;

    private Statement(Checkout checkout, int stmtId, String retryImage) {
      this.checkout = checkout;
      this.stmtId = stmtId;
      this.retryImage = retryImage;
    }

    /**
     * The entry with the session's fields added before its {@code ts}, as mongod orders them. Under
     * the oplog lock.
     */
    BsonDocument tag(BsonDocument entry) {
      Session s = checkout.session;
      OpTime previous = s.lastWrite == null ? NO_PREVIOUS : s.lastWrite;
      BsonDocument tagged = new BsonDocument();
      for (Map.Entry<String, BsonValue> field : entry.entrySet()) {
        if (field.getKey().equals("ts")) {
          tagged
              .append("lsid", checkout.lsid)
              .append("txnNumber", new BsonInt64(s.txnNumber))
              .append("stmtId", new BsonInt32(stmtId))
              .append(
                  "prevOpTime",
                  new BsonDocument("ts", previous.ts())
                      .append("t", new BsonInt64(previous.term())));
          if (retryImage != null) {
            tagged.append("needsRetryImage", new BsonString(retryImage));
          }
        }
        tagged.append(field.getKey(), field.getValue());
      }
      return tagged;
    }

    /** The tagged entry committed at {@code opTime}. Under the oplog lock. */
    void written(OpTime opTime) {
      Session s = checkout.session;
      s.lastWrite = opTime;
      s.executed.putIfAbsent(stmtId, opTime);
    }
  }

  /** The retryable statement writing on this thread, or null. */
  static Statement statement() {
    return STATEMENT.get();
  }

  /**
   * Adds to the batch of an entry that carries {@code lsid} and {@code txnNumber} its session's
   * record and, if it needs one, a findAndModify's image: on the primary that writes the entry and
   * on every member that applies it. {@code write} is the document write the entry commits with, or
   * null when it commits alone (the change was already there): a pre-image is then unknown and the
   * image is stored as invalidated, which a retry reports as 217.
   */
  void addRecords(
      BsonDocument entry, WriteObserver.DocumentWrite write, WriteObserver.Batch batch) {
    if (!(entry.get("lsid") instanceof BsonDocument lsid)
        || !(entry.get("txnNumber") instanceof BsonValue number)
        || !number.isNumber()) {
      return;
    }
    CollectionMeta transactions = storage.collection(DB, TRANSACTIONS);
    if (transactions == null) {
      if (!warnedMissing) {
        warnedMissing = true;
        Log.warn("config.transactions is missing: retryable-write records are not kept");
      }
      return;
    }
    long txnNumber = number.asNumber().longValue();
    batch.putDocument(
        transactions,
        new BsonDocument("_id", lsid)
            .append("txnNum", new BsonInt64(txnNumber))
            .append(
                "lastWriteOpTime",
                new BsonDocument("ts", entry.get("ts")).append("t", entry.get("t")))
            .append("lastWriteDate", entry.get("wall")));
    if (!(entry.get("needsRetryImage") instanceof BsonString kind)) {
      return;
    }
    CollectionMeta images = storage.collection(DB, IMAGES);
    if (images == null) {
      return;
    }
    boolean pre = kind.getValue().equals("preImage");
    BsonDocument image;
    if (write != null) {
      image = pre ? write.before() : write.after();
    } else if (!pre && entry.get("o") instanceof BsonDocument o && !entry.containsKey("o2")) {
      image = o; // an upsert's insert: the entry holds the whole document
    } else if (!pre && "u".equals(entry.getString("op", new BsonString("")).getValue())) {
      image = entry.getDocument("o"); // updates are logged as whole post-images here
    } else {
      image = null;
    }
    batch.putDocument(
        images,
        new BsonDocument("_id", lsid)
            .append("txnNum", new BsonInt64(txnNumber))
            .append("ts", entry.get("ts"))
            .append("imageKind", kind)
            .append("image", image == null ? new BsonDocument() : image)
            .append("invalidated", BsonBoolean.valueOf(image == null)));
  }
}
