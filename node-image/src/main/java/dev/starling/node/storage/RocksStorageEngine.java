package dev.starling.node.storage;

import dev.starling.node.bson.BsonCodec;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.util.Iterators;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB storage engine. Layout, by column family: catalog (one entry per collection), records
 * (collection id + encoded {@code _id} -> BSON), indexes (index id + encoded key [+ encoded {@code
 * _id}] -> encoded {@code _id}), counters (merge-added document counts and sizes), and oplog/local
 * for replication. A document write is one {@link WriteBatch}.
 */
public final class RocksStorageEngine implements StorageEngine {
  private static final byte[] NEXT_ID_KEY = "\0nextId".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COUNT_SUFFIX = {'c'};
  private static final byte[] SIZE_SUFFIX = {'s'};
  private static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

  /**
   * An inserted document may pass 16 MB by the {@code _id} the node adds to a 16 MB document (the
   * insert command checks the size as sent, as mongod does): mongod's BSONObjMaxInternalSize.
   */
  private static final int MAX_INSERTED_BYTES = MAX_DOCUMENT_BYTES + 16 * 1024;

  static {
    RocksDB.loadLibrary();
  }

  private final RocksDB db;
  private final DBOptions dbOptions;
  private final List<ColumnFamilyOptions> familyOptions = new ArrayList<>();
  private final Map<Column, ColumnFamilyHandle> families = new EnumMap<>(Column.class);
  private final WriteOptions writeOptions = new WriteOptions();

  /** One block cache for every column family: reads of hot documents skip decompression. */
  private final Cache blockCache = new LRUCache(blockCacheBytes());

  private final WriteObserver observer;

  /** The snapshot reads on this thread go to (null: the latest data); see {@link #readAt}. */
  private final ThreadLocal<ReadSnapshot> readAt = new ThreadLocal<>();

  private final ReentrantLock catalogLock = new ReentrantLock();
  private final Map<String, CollectionMeta> catalog = new ConcurrentHashMap<>();

  /**
   * Odd while a catalog change that drops or renames commits and the in-memory catalog follows it
   * (a sequence lock): {@link #stillCataloged} reads the catalog only between such changes.
   */
  private final java.util.concurrent.atomic.AtomicLong catalogVersion =
      new java.util.concurrent.atomic.AtomicLong();

  private final Map<Long, ReentrantLock> collectionLocks = new ConcurrentHashMap<>();
  private volatile boolean open;

  /**
   * Held (shared) by every raw write and read of the database, and (exclusive) by {@link #close}: a
   * background thread that writes while the node shuts down (a new primary's no-op, the journal
   * flusher) gets 91 ShutdownInProgress instead of touching freed native memory.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock lifecycle =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  /** Runs {@code action} while the database stays open. */
  private <T> T whileOpen(java.util.function.Supplier<T> action) {
    lifecycle.readLock().lock();
    try {
      if (!open) {
        throw new MongoServerException(ErrorCode.SHUTDOWN_IN_PROGRESS, "storage is closed");
      }
      return action.get();
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Runs {@code action} if the store is open, else skips it; never while it closes. */
  private void ifOpen(Runnable action) {
    lifecycle.readLock().lock();
    try {
      if (open) {
        action.run();
      }
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private long nextId;

  public static RocksStorageEngine open(Path dbPath, WriteObserver observer) {
    try {
      return new RocksStorageEngine(dbPath, observer);
    } catch (RocksDBException e) {
      throw new IllegalStateException(
          "cannot open RocksDB at " + dbPath + ": " + e.getMessage(), e);
    }
  }

  private RocksStorageEngine(Path dbPath, WriteObserver observer) throws RocksDBException {
    this.observer = observer;
    dbOptions =
        new DBOptions()
            .setCreateIfMissing(true)
            .setCreateMissingColumnFamilies(true)
            .setMaxBackgroundJobs(2)
            .setKeepLogFileNum(3);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, options(false)));
    for (Column column : Column.values()) {
      descriptors.add(
          new ColumnFamilyDescriptor(
              column.familyName().getBytes(StandardCharsets.UTF_8),
              options(column == Column.COUNTERS)));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    db = RocksDB.open(dbOptions, dbPath.toString(), descriptors, handles);
    for (int i = 0; i < Column.values().length; i++) {
      families.put(Column.values()[i], handles.get(i + 1));
    }
    loadCatalog();
    open = true;
  }

  /** An eighth of the machine's memory, between 64 MB and 1 GB. */
  private static long blockCacheBytes() {
    long total =
        ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getTotalMemorySize();
    return Math.clamp(total / 8, 64L << 20, 1L << 30);
  }

  private ColumnFamilyOptions options(boolean counters) {
    ColumnFamilyOptions options = new ColumnFamilyOptions();
    options.setTableFormatConfig(
        new BlockBasedTableConfig()
            .setBlockCache(blockCache)
            .setFilterPolicy(new BloomFilter(10))
            .setCacheIndexAndFilterBlocks(true)
            .setPinL0FilterAndIndexBlocksInCache(true));
    if (counters) {
      options.setMergeOperator(new UInt64AddOperator());
    }
    familyOptions.add(options);
    return options;
  }

  private ColumnFamilyHandle cf(Column column) {
    return families.get(column);
  }

  private void loadCatalog() throws RocksDBException {
    byte[] next = db.get(cf(Column.CATALOG), NEXT_ID_KEY);
    nextId = next == null ? 1 : Keys.readLongLE(next);
    RangeScan scan = new RangeScan(db, cf(Column.CATALOG), new byte[] {'n'}, new byte[] {'o'});
    while (scan.hasNext()) {
      CollectionMeta meta = CatalogEntries.decode(BsonCodec.decode(scan.next()[1]));
      catalog.put(meta.ns(), meta);
    }
  }

  // ---- catalog

  @Override
  public List<String> databaseNames() {
    return new ArrayList<>(
        new TreeSet<>(catalog.values().stream().map(CollectionMeta::db).toList()));
  }

  @Override
  public List<CollectionMeta> collections(String dbName) {
    return catalog.values().stream()
        .filter(c -> c.db().equals(dbName))
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .toList();
  }

  @Override
  public CollectionMeta collection(String dbName, String name) {
    ReadSnapshot snapshot = readAt.get();
    if (snapshot != null) {
      // A read at a snapshot sees the catalog of that moment: a collection dropped or replaced
      // since is still there, with the data the snapshot holds under its id.
      return collectionAt(snapshot, dbName + "." + name);
    }
    return catalog.get(dbName + "." + name);
  }

  private CollectionMeta collectionAt(ReadSnapshot snapshot, String ns) {
    if (!snapshot.retain()) {
      throw new IllegalStateException("read snapshot already released");
    }
    try {
      byte[] entry = db.get(cf(Column.CATALOG), snapshot.options(), catalogKey(ns));
      return entry == null ? null : CatalogEntries.decode(BsonCodec.decode(entry));
    } catch (RocksDBException e) {
      throw storageError(e);
    } finally {
      snapshot.release();
    }
  }

  @Override
  public CollectionMeta collection(UUID uuid) {
    for (CollectionMeta meta : catalog.values()) {
      if (meta.uuid().equals(uuid)) {
        return meta;
      }
    }
    return null;
  }

  @Override
  public CollectionMeta createCollection(String dbName, String name, BsonDocument options) {
    return createCollection(dbName, name, options, UUID.randomUUID());
  }

  @Override
  public CollectionMeta createCollection(
      String dbName, String name, BsonDocument options, UUID uuid) {
    catalogLock.lock();
    try {
      if (catalog.containsKey(dbName + "." + name)) {
        throw new MongoServerException(
            ErrorCode.NAMESPACE_EXISTS, "Collection " + dbName + "." + name + " already exists.");
      }
      CollectionMeta meta =
          new CollectionMeta(dbName, name, uuid, allocateId(), options, List.of());
      BsonDocument command = new BsonDocument("create", new BsonString(name));
      command.putAll(options);
      saveCatalog(meta, null, new WriteObserver.CatalogWrite(dbName, uuid, command), batch -> {});
      return meta;
    } finally {
      catalogLock.unlock();
    }
  }

  @Override
  public CollectionMeta collectionForWrite(String dbName, String name) {
    CollectionMeta meta = collection(dbName, name);
    if (meta != null) {
      return meta;
    }
    catalogLock.lock();
    try {
      meta = collection(dbName, name);
      return meta != null ? meta : createCollection(dbName, name, new BsonDocument());
    } finally {
      catalogLock.unlock();
    }
  }

  private long allocateId() {
    long id = nextId++;
    try {
      db.put(cf(Column.CATALOG), NEXT_ID_KEY, Keys.longLE(nextId));
    } catch (RocksDBException e) {
      throw storageError(e);
    }
    return id;
  }

  /** More of a catalog change's batch, written before the catalog entry. */
  private interface BatchFiller {
    void fill(WriteBatch batch) throws RocksDBException;
  }

  /**
   * Writes the catalog entry (and removes the old namespace's, if renamed) with whatever {@code
   * extra} adds, as one batch that the observer sees as {@code change}, and publishes it. Call with
   * the catalog lock held.
   */
  private void saveCatalog(
      CollectionMeta meta,
      CollectionMeta replaced,
      WriteObserver.CatalogWrite change,
      BatchFiller extra) {
    catalogVersion.incrementAndGet();
    try (WriteBatch batch = new WriteBatch()) {
      extra.fill(batch);
      if (replaced != null && !replaced.ns().equals(meta.ns())) {
        batch.delete(cf(Column.CATALOG), catalogKey(replaced.ns()));
      }
      batch.put(
          cf(Column.CATALOG), catalogKey(meta.ns()), BsonCodec.encode(CatalogEntries.encode(meta)));
      commitCatalog(batch, change);
      if (replaced != null) {
        catalog.remove(replaced.ns());
      }
      catalog.put(meta.ns(), meta);
    } catch (RocksDBException e) {
      throw storageError(e);
    } finally {
      catalogVersion.incrementAndGet();
    }
  }

  /**
   * Whether {@code collection} is still in the catalog under its name (not dropped, renamed or
   * replaced), asked when no drop or rename is committing. A read that read data and then finds its
   * collection still cataloged read it before any drop: the drop's batch and the catalog's update
   * happen together, between two changes of {@link #catalogVersion}.
   */
  /**
   * 175 QueryPlanKilled unless {@code collection} is {@linkplain #stillCataloged still cataloged}.
   */
  private void requireCataloged(CollectionMeta collection) {
    if (!stillCataloged(collection)) {
      throw collectionGone(collection);
    }
  }

  private boolean stillCataloged(CollectionMeta collection) {
    while (true) {
      long version = catalogVersion.get();
      if ((version & 1) == 0) {
        CollectionMeta current = catalog.get(collection.ns());
        boolean live = current != null && current.id() == collection.id();
        if (catalogVersion.get() == version) {
          return live;
        }
      } else {
        java.util.concurrent.locks.LockSupport.parkNanos(20_000);
      }
    }
  }

  /**
   * 175 QueryPlanKilled, as mongod ends a read whose collection was dropped or renamed under it:
   * what this read saw may have been read after the collection's data was deleted.
   */
  private static MongoServerException collectionGone(CollectionMeta collection) {
    return new MongoServerException(
        ErrorCode.QUERY_PLAN_KILLED,
        "collection " + collection.ns() + " was dropped, renamed or replaced during the read");
  }

  /** Commits a catalog change's batch through the observer, which adds the oplog entry. */
  private void commitCatalog(WriteBatch batch, WriteObserver.CatalogWrite change) {
    observer.commitCatalog(change, observed(batch), () -> write(batch));
  }

  private WriteObserver.Batch observed(WriteBatch batch) {
    return new WriteObserver.Batch() {
      @Override
      public void put(Column column, byte[] key, byte[] value) {
        try {
          batch.put(cf(column), key, value);
        } catch (RocksDBException e) {
          throw storageError(e);
        }
      }

      @Override
      public void putDocument(CollectionMeta collection, BsonDocument doc) {
        try {
          putSideDocument(batch, collection, doc);
        } catch (RocksDBException e) {
          throw storageError(e);
        }
      }
    };
  }

  /**
   * An observer's own document, by {@code _id}: the stored version (if any) is replaced with its
   * index entries and the counters follow. The callers serialise these writes (the oplog lock), so
   * reading the stored version outside the batch is safe.
   */
  private void putSideDocument(WriteBatch batch, CollectionMeta collection, BsonDocument doc)
      throws RocksDBException {
    CollectionMeta current = catalog.getOrDefault(collection.ns(), collection);
    byte[] id = KeyEncoding.encode(doc.get("_id"));
    byte[] recordKey = Keys.concat(Keys.prefix(current.id()), id);
    byte[] bytes = encodeForStorage(doc, MAX_INSERTED_BYTES);
    byte[] stored = db.get(cf(Column.RECORDS), recordKey);
    BsonDocument before = stored == null ? null : BsonCodec.decode(stored);
    for (IndexMeta index : current.indexes()) {
      if (before != null) {
        for (BsonValue[] tuple : keysOf(index, before)) {
          batch.delete(cf(Column.INDEXES), IndexEntries.key(index, tuple, id));
        }
      }
      for (BsonValue[] tuple : keysOf(index, doc)) {
        batch.put(cf(Column.INDEXES), IndexEntries.key(index, tuple, id), id);
      }
    }
    batch.put(cf(Column.RECORDS), recordKey, bytes);
    long documents = before == null ? 1 : 0;
    long size = bytes.length - (stored == null ? 0 : stored.length);
    if (documents != 0) {
      batch.merge(cf(Column.COUNTERS), counterKey(current, COUNT_SUFFIX), Keys.longLE(documents));
    }
    if (size != 0) {
      batch.merge(cf(Column.COUNTERS), counterKey(current, SIZE_SUFFIX), Keys.longLE(size));
    }
  }

  @Override
  public void commitBatch(java.util.function.Consumer<WriteObserver.Batch> fill) {
    try (WriteBatch batch = new WriteBatch()) {
      fill.accept(observed(batch));
      write(batch);
    }
  }

  private void write(WriteBatch batch) {
    whileOpen(
        () -> {
          try {
            db.write(writeOptions, batch);
          } catch (RocksDBException e) {
            throw storageError(e);
          }
          return null;
        });
  }

  private static byte[] catalogKey(String ns) {
    return ("n" + ns).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void dropCollection(CollectionMeta collection) {
    drop(collection);
  }

  /** Drops the collection if it still exists; whether it did. */
  private boolean drop(CollectionMeta collection) {
    ReentrantLock lock = lockFor(collection);
    lock.lock();
    catalogLock.lock();
    try {
      CollectionMeta current = catalog.get(collection.ns());
      if (current == null || current.id() != collection.id()) {
        return false;
      }
      catalogVersion.incrementAndGet();
      try (WriteBatch batch = new WriteBatch()) {
        addDrop(batch, current);
        commitCatalog(
            batch,
            new WriteObserver.CatalogWrite(
                current.db(),
                current.uuid(),
                new BsonDocument("drop", new BsonString(current.name()))));
        catalog.remove(current.ns());
      } catch (RocksDBException e) {
        throw storageError(e);
      } finally {
        catalogVersion.incrementAndGet();
      }
      return true;
    } finally {
      catalogLock.unlock();
      lock.unlock();
    }
  }

  /** Adds the deletion of a collection's catalog entry, records, index entries and counters. */
  private void addDrop(WriteBatch batch, CollectionMeta current) throws RocksDBException {
    batch.delete(cf(Column.CATALOG), catalogKey(current.ns()));
    deleteRange(batch, Column.RECORDS, current.id());
    for (IndexMeta index : current.indexes()) {
      deleteRange(batch, Column.INDEXES, index.id());
    }
    batch.delete(cf(Column.COUNTERS), counterKey(current, COUNT_SUFFIX));
    batch.delete(cf(Column.COUNTERS), counterKey(current, SIZE_SUFFIX));
  }

  /**
   * Drops each collection (each logged as a drop), then, once no collection of the database is
   * left, commits the {@code dropDatabase} change under the catalog lock, so no create can slip in
   * between the check and the entry. Nothing is logged for a database that had no collections.
   */
  @Override
  public List<CollectionMeta> dropDatabase(String dbName) {
    List<CollectionMeta> dropped = new ArrayList<>();
    while (true) {
      for (CollectionMeta collection : collections(dbName)) {
        if (drop(collection)) {
          dropped.add(collection);
        }
      }
      catalogLock.lock();
      try {
        if (collections(dbName).isEmpty()) {
          if (!dropped.isEmpty()) {
            try (WriteBatch batch = new WriteBatch()) {
              commitCatalog(
                  batch,
                  new WriteObserver.CatalogWrite(
                      dbName, null, new BsonDocument("dropDatabase", new BsonInt32(1))));
            }
          }
          return dropped;
        }
      } finally {
        catalogLock.unlock();
      }
    }
  }

  private void deleteRange(WriteBatch batch, Column column, long id) throws RocksDBException {
    batch.deleteRange(cf(column), Keys.prefix(id), Keys.prefix(id + 1));
  }

  @Override
  public CollectionMeta renameCollection(
      CollectionMeta collection, String toDb, String toName, boolean dropTarget) {
    // Lock order everywhere: collection locks (by id), then the catalog lock.
    CollectionMeta target = collection(toDb, toName);
    List<ReentrantLock> locks = new ArrayList<>();
    locks.add(lockFor(collection));
    if (target != null) {
      locks.add(target.id() < collection.id() ? 0 : 1, lockFor(target));
    }
    locks.forEach(ReentrantLock::lock);
    catalogLock.lock();
    try {
      CollectionMeta source = require(collection);
      CollectionMeta currentTarget = collection(toDb, toName);
      if (currentTarget != null && (target == null || currentTarget.id() != target.id())) {
        throw new MongoServerException(
            ErrorCode.NAMESPACE_EXISTS, "target namespace changed during the rename; retry");
      }
      if (currentTarget != null && !dropTarget) {
        throw new MongoServerException(ErrorCode.NAMESPACE_EXISTS, "target namespace exists");
      }
      CollectionMeta renamed = source.renamed(toDb, toName);
      BsonDocument command =
          new BsonDocument("renameCollection", new BsonString(source.ns()))
              .append("to", new BsonString(renamed.ns()))
              .append("dropTarget", BsonBoolean.valueOf(dropTarget));
      // The target's drop commits in the rename's batch: one entry, as mongod logs it.
      saveCatalog(
          renamed,
          source,
          new WriteObserver.CatalogWrite(source.db(), source.uuid(), command),
          batch -> {
            if (currentTarget != null) {
              addDrop(batch, currentTarget);
            }
          });
      return renamed;
    } finally {
      catalogLock.unlock();
      for (int i = locks.size() - 1; i >= 0; i--) {
        locks.get(i).unlock();
      }
    }
  }

  @Override
  public CollectionMeta createIndex(
      CollectionMeta collection, String name, BsonDocument key, boolean unique, boolean sparse) {
    ReentrantLock lock = lockFor(collection);
    lock.lock();
    try {
      CollectionMeta current = require(collection);
      IndexMeta existing = current.index(name);
      if (existing != null) {
        // Another createIndexes got here first: the same index is no change; a different one is a
        // conflict.
        if (existing.key().equals(key)
            && existing.unique() == unique
            && existing.sparse() == sparse) {
          return current;
        }
        throw new MongoServerException(
            ErrorCode.INDEX_KEY_SPECS_CONFLICT,
            "An index named " + name + " already exists with a different spec");
      }
      IndexMeta index;
      catalogLock.lock();
      try {
        index = new IndexMeta(name, key, unique, sparse, allocateId(), false);
      } finally {
        catalogLock.unlock();
      }
      boolean multikey = false;
      Set<ByteBuffer> seen = new HashSet<>();
      Iterator<BsonDocument> docs = scan(current);
      WriteBatch batch = new WriteBatch();
      try {
        while (docs.hasNext()) {
          BsonDocument doc = docs.next();
          multikey |= IndexKeys.isMultikey(doc, key);
          byte[] id = KeyEncoding.encode(doc.get("_id"));
          for (BsonValue[] tuple : keysOf(index, doc)) {
            byte[] k = IndexEntries.key(index, tuple, id);
            if (unique && !seen.add(ByteBuffer.wrap(k))) {
              throw duplicateKey(current, index, tuple);
            }
            batch.put(cf(Column.INDEXES), k, id);
          }
          if (batch.count() >= 10_000) {
            db.write(writeOptions, batch);
            batch.close();
            batch = new WriteBatch();
          }
        }
        db.write(writeOptions, batch);
      } catch (RocksDBException e) {
        throw storageError(e);
      } catch (MongoServerException e) {
        try (WriteBatch undo = new WriteBatch()) {
          deleteRange(undo, Column.INDEXES, index.id());
          db.write(writeOptions, undo);
        } catch (RocksDBException ignored) {
          // the half-built entries are unreachable without a catalog entry
        }
        throw e;
      } finally {
        batch.close();
      }
      CollectionMeta updated = current.withIndex(multikey ? index.withMultikey() : index);
      BsonDocument command = new BsonDocument("createIndexes", new BsonString(current.name()));
      command.putAll(index.toListEntry());
      catalogLock.lock();
      try {
        // Logged when published: the collection lock has kept writers out since the build began.
        saveCatalog(
            updated,
            current,
            new WriteObserver.CatalogWrite(current.db(), current.uuid(), command),
            unused -> {});
      } finally {
        catalogLock.unlock();
      }
      return updated;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public CollectionMeta dropIndex(CollectionMeta collection, String name) {
    ReentrantLock lock = lockFor(collection);
    lock.lock();
    catalogLock.lock();
    try {
      CollectionMeta current = require(collection);
      IndexMeta index = current.index(name);
      if (index == null) {
        throw new MongoServerException(
            ErrorCode.INDEX_NOT_FOUND, "index not found with name [" + name + "]");
      }
      List<IndexMeta> remaining = new ArrayList<>(current.indexes());
      remaining.remove(index);
      CollectionMeta updated = current.withIndexes(remaining);
      saveCatalog(
          updated,
          current,
          new WriteObserver.CatalogWrite(
              current.db(),
              current.uuid(),
              new BsonDocument("dropIndexes", new BsonString(current.name()))
                  .append("index", new BsonString(name))),
          batch -> deleteRange(batch, Column.INDEXES, index.id()));
      return updated;
    } finally {
      catalogLock.unlock();
      lock.unlock();
    }
  }

  private CollectionMeta require(CollectionMeta collection) {
    CollectionMeta current = catalog.get(collection.ns());
    if (current == null || current.id() != collection.id()) {
      throw new MongoServerException(
          ErrorCode.NAMESPACE_NOT_FOUND, "ns does not exist: " + collection.ns());
    }
    return current;
  }

  // ---- reads

  @Override
  public BsonDocument findById(CollectionMeta collection, BsonValue id) {
    return getRecord(collection, KeyEncoding.encode(id), readAt.get());
  }

  private BsonDocument getRecord(
      CollectionMeta collection, byte[] encodedId, ReadSnapshot snapshot) {
    byte[] key = Keys.concat(Keys.prefix(collection.id()), encodedId);
    try {
      byte[] bytes;
      if (snapshot == null) {
        bytes = db.get(cf(Column.RECORDS), key);
      } else if (snapshot.retain()) {
        try {
          bytes = db.get(cf(Column.RECORDS), snapshot.options(), key);
        } finally {
          snapshot.release();
        }
      } else {
        throw new IllegalStateException("read snapshot already released");
      }
      if (bytes == null && snapshot == null) {
        // Absent, or gone with its collection.
        requireCataloged(collection);
      }
      return bytes == null ? null : BsonCodec.decode(bytes);
    } catch (RocksDBException e) {
      throw storageError(e);
    }
  }

  @Override
  public ReadSnapshot openSnapshot() {
    return whileOpen(() -> new ReadSnapshot(db, this::ifOpen));
  }

  @Override
  public <T> T readAt(ReadSnapshot snapshot, java.util.function.Supplier<T> read) {
    ReadSnapshot previous = readAt.get();
    readAt.set(snapshot);
    try {
      return read.get();
    } finally {
      readAt.set(previous);
    }
  }

  @Override
  public Iterator<BsonDocument> scan(CollectionMeta collection) {
    RangeScan scan =
        new RangeScan(
            db,
            cf(Column.RECORDS),
            Keys.prefix(collection.id()),
            Keys.prefix(collection.id() + 1),
            false,
            readAt.get());
    if (readAt.get() == null) {
      scan.checkEachPage(() -> requireCataloged(collection));
    }
    return Iterators.map(scan, entry -> BsonCodec.decode(entry[1]));
  }

  @Override
  public Iterator<BsonDocument> scanIndex(
      CollectionMeta collection, IndexMeta index, byte[] lower, byte[] upper) {
    byte[] prefix = Keys.prefix(index.id());
    byte[] from = lower == null ? prefix : Keys.concat(prefix, lower);
    byte[] to = upper == null ? Keys.prefix(index.id() + 1) : Keys.concat(prefix, upper);
    ReadSnapshot snapshot = readAt.get();
    RangeScan scan = new RangeScan(db, cf(Column.INDEXES), from, to, false, snapshot);
    if (snapshot == null) {
      scan.checkEachPage(() -> requireCataloged(collection));
    }
    Iterator<byte[]> ids = Iterators.map(scan, entry -> entry[1]);
    if (index.multikey()) {
      Set<ByteBuffer> returned = new HashSet<>();
      ids = Iterators.filter(ids, id -> returned.add(ByteBuffer.wrap(id)));
    }
    // An entry whose record is gone was deleted after this scan read the entry.
    return Iterators.filter(
        Iterators.map(ids, id -> getRecord(collection, id, snapshot)), Objects::nonNull);
  }

  @Override
  public long count(CollectionMeta collection) {
    long count = Math.max(0, counter(collection, COUNT_SUFFIX));
    requireCataloged(collection);
    return count;
  }

  @Override
  public long dataSize(CollectionMeta collection) {
    return Math.max(0, counter(collection, SIZE_SUFFIX));
  }

  private long counter(CollectionMeta collection, byte[] suffix) {
    try {
      byte[] v = db.get(cf(Column.COUNTERS), counterKey(collection, suffix));
      return v == null ? 0 : Keys.readLongLE(v);
    } catch (RocksDBException e) {
      throw storageError(e);
    }
  }

  private static byte[] counterKey(CollectionMeta collection, byte[] suffix) {
    return Keys.concat(Keys.prefix(collection.id()), suffix);
  }

  @Override
  public long totalSizeOnDisk() {
    try {
      long total = 0;
      for (ColumnFamilyHandle handle : families.values()) {
        total += db.getLongProperty(handle, "rocksdb.total-sst-files-size");
        total += db.getLongProperty(handle, "rocksdb.cur-size-all-mem-tables");
      }
      return total;
    } catch (RocksDBException e) {
      return 0;
    }
  }

  // ---- writes

  @Override
  public CollectionWriter writer(CollectionMeta collection, Durability durability) {
    ReentrantLock lock = lockFor(collection);
    lock.lock();
    try {
      return new Writer(require(collection), durability, lock);
    } catch (RuntimeException e) {
      lock.unlock();
      throw e;
    }
  }

  private ReentrantLock lockFor(CollectionMeta collection) {
    return collectionLocks.computeIfAbsent(collection.id(), id -> new ReentrantLock());
  }

  private List<BsonValue[]> keysOf(IndexMeta index, BsonDocument doc) {
    if (index.sparse() && !IndexEntries.hasAnyField(doc, index.key())) {
      return List.of();
    }
    return IndexKeys.extract(doc, index.key());
  }

  private MongoServerException duplicateKey(
      CollectionMeta collection, IndexMeta index, BsonValue[] tuple) {
    BsonDocument keyValue = new BsonDocument();
    BsonDocument keyPattern = new BsonDocument();
    int i = 0;
    StringBuilder shown = new StringBuilder("{ ");
    for (String field : index.key().keySet()) {
      keyValue.put(field, tuple[i]);
      keyPattern.put(field, index.key().get(field));
      shown.append(i > 0 ? ", " : "").append(field).append(": ").append(shellValue(tuple[i]));
      i++;
    }
    shown.append(" }");
    return new MongoServerException(
        ErrorCode.DUPLICATE_KEY,
        "E11000 duplicate key error collection: "
            + collection.ns()
            + " index: "
            + index.name()
            + " dup key: "
            + shown,
        new BsonDocument("keyPattern", keyPattern).append("keyValue", keyValue));
  }

  private MongoServerException duplicateId(CollectionMeta collection, BsonValue id) {
    return new MongoServerException(
        ErrorCode.DUPLICATE_KEY,
        "E11000 duplicate key error collection: "
            + collection.ns()
            + " index: _id_ dup key: { _id: "
            + shellValue(id)
            + " }",
        new BsonDocument("keyPattern", new BsonDocument("_id", new org.bson.BsonInt32(1)))
            .append("keyValue", new BsonDocument("_id", id)));
  }

  /** A value as mongod's error messages show it, e.g. {@code 2} or {@code "x"}. */
  private static String shellValue(BsonValue value) {
    String json =
        new BsonDocument("v", value)
            .toJson(
                org.bson.json.JsonWriterSettings.builder()
                    .outputMode(org.bson.json.JsonMode.RELAXED)
                    .build());
    return json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
  }

  /** Writes for one collection under its lock; each operation is one WriteBatch. */
  private final class Writer implements CollectionWriter {
    private CollectionMeta collection;
    private final Durability durability;
    private final ReentrantLock lock;
    private boolean wrote;
    private boolean closed;

    /**
     * The collection as the write in progress would leave it (an index turned multikey), until it
     * commits.
     */
    private CollectionMeta pendingMeta;

    Writer(CollectionMeta collection, Durability durability, ReentrantLock lock) {
      this.collection = collection;
      this.durability = durability;
      this.lock = lock;
    }

    @Override
    public CollectionMeta collection() {
      return collection;
    }

    @Override
    public void insert(BsonDocument doc) {
      pendingMeta = null;
      byte[] id = KeyEncoding.encode(doc.get("_id"));
      byte[] recordKey = Keys.concat(Keys.prefix(collection.id()), id);
      byte[] bytes = encodeForStorage(doc, MAX_INSERTED_BYTES);
      try (WriteBatch batch = new WriteBatch()) {
        if (db.get(cf(Column.RECORDS), recordKey) != null) {
          throw duplicateId(collection, doc.get("_id"));
        }
        addIndexEntries(batch, doc, id, null);
        batch.put(cf(Column.RECORDS), recordKey, bytes);
        count(batch, 1, bytes.length);
        commit(
            batch, new WriteObserver.DocumentWrite(WriteObserver.Op.INSERT, collection, null, doc));
      } catch (RocksDBException e) {
        throw storageError(e);
      }
    }

    @Override
    public void replace(BsonDocument before, BsonDocument after) {
      pendingMeta = null;
      byte[] id = KeyEncoding.encode(before.get("_id"));
      byte[] recordKey = Keys.concat(Keys.prefix(collection.id()), id);
      byte[] bytes = encodeForStorage(after, MAX_DOCUMENT_BYTES);
      try (WriteBatch batch = new WriteBatch()) {
        removeIndexEntries(batch, before, id, after);
        addIndexEntries(batch, after, id, before);
        batch.put(cf(Column.RECORDS), recordKey, bytes);
        count(batch, 0, bytes.length - (long) BsonCodec.size(before));
        commit(
            batch,
            new WriteObserver.DocumentWrite(WriteObserver.Op.UPDATE, collection, before, after));
      } catch (RocksDBException e) {
        throw storageError(e);
      }
    }

    @Override
    public void delete(BsonDocument doc) {
      pendingMeta = null;
      byte[] id = KeyEncoding.encode(doc.get("_id"));
      try (WriteBatch batch = new WriteBatch()) {
        removeIndexEntries(batch, doc, id, null);
        batch.delete(cf(Column.RECORDS), Keys.concat(Keys.prefix(collection.id()), id));
        count(batch, -1, -(long) BsonCodec.size(doc));
        commit(
            batch, new WriteObserver.DocumentWrite(WriteObserver.Op.DELETE, collection, doc, null));
      } catch (RocksDBException e) {
        throw storageError(e);
      }
    }

    private void addIndexEntries(
        WriteBatch batch, BsonDocument doc, byte[] id, BsonDocument previous)
        throws RocksDBException {
      for (IndexMeta index : collection.indexes()) {
        Set<ByteBuffer> old = previous == null ? Set.of() : entryKeys(index, previous, id);
        for (BsonValue[] tuple : keysOf(index, doc)) {
          byte[] key = IndexEntries.key(index, tuple, id);
          if (old.contains(ByteBuffer.wrap(key))) {
            continue;
          }
          if (index.unique()) {
            byte[] owner = db.get(cf(Column.INDEXES), key);
            if (owner != null && !java.util.Arrays.equals(owner, id)) {
              throw duplicateKey(collection, index, tuple);
            }
          }
          batch.put(cf(Column.INDEXES), key, id);
        }
        if (!index.multikey() && IndexKeys.isMultikey(doc, index.key())) {
          markMultikey(batch, index);
        }
      }
    }

    private void removeIndexEntries(
        WriteBatch batch, BsonDocument doc, byte[] id, BsonDocument next) throws RocksDBException {
      for (IndexMeta index : collection.indexes()) {
        Set<ByteBuffer> kept = next == null ? Set.of() : entryKeys(index, next, id);
        for (ByteBuffer key : entryKeys(index, doc, id)) {
          if (!kept.contains(key)) {
            batch.delete(cf(Column.INDEXES), key.array());
          }
        }
      }
    }

    private Set<ByteBuffer> entryKeys(IndexMeta index, BsonDocument doc, byte[] id) {
      Set<ByteBuffer> keys = new HashSet<>();
      for (BsonValue[] tuple : keysOf(index, doc)) {
        keys.add(ByteBuffer.wrap(IndexEntries.key(index, tuple, id)));
      }
      return keys;
    }

    /**
     * Records in the batch that an index became multikey. Memory follows only once the batch has
     * committed: a write that fails later (a duplicate key on another index, say) must leave no
     * trace, in memory or on disk.
     */
    private void markMultikey(WriteBatch batch, IndexMeta index) throws RocksDBException {
      CollectionMeta base = pendingMeta != null ? pendingMeta : collection;
      CollectionMeta updated = base.withIndex(index.withMultikey());
      batch.put(
          cf(Column.CATALOG),
          catalogKey(updated.ns()),
          BsonCodec.encode(CatalogEntries.encode(updated)));
      pendingMeta = updated;
    }

    private void count(WriteBatch batch, long documents, long bytes) throws RocksDBException {
      if (documents != 0) {
        batch.merge(
            cf(Column.COUNTERS), counterKey(collection, COUNT_SUFFIX), Keys.longLE(documents));
      }
      if (bytes != 0) {
        batch.merge(cf(Column.COUNTERS), counterKey(collection, SIZE_SUFFIX), Keys.longLE(bytes));
      }
    }

    private void commit(WriteBatch batch, WriteObserver.DocumentWrite write) {
      observer.commit(write, observed(batch), () -> write(batch));
      wrote = true;
      if (pendingMeta != null) {
        catalogLock.lock();
        try {
          catalog.put(pendingMeta.ns(), pendingMeta);
        } finally {
          catalogLock.unlock();
        }
        collection = pendingMeta;
        pendingMeta = null;
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      lock.unlock();
      if (wrote && durability == Durability.SYNCED) {
        waitUntilDurable();
      }
    }
  }

  private static byte[] encodeForStorage(BsonDocument doc, int max) {
    byte[] bytes = BsonCodec.encode(doc);
    if (bytes.length > max) {
      throw new MongoServerException(
          ErrorCode.BSON_OBJECT_TOO_LARGE,
          "object to insert too large. size in bytes: " + bytes.length + ", max size: " + max);
    }
    return bytes;
  }

  private static MongoServerException storageError(RocksDBException e) {
    return new MongoServerException(ErrorCode.INTERNAL_ERROR, "storage error: " + e.getMessage());
  }

  @Override
  public byte[] get(Column column, byte[] key) {
    return whileOpen(
        () -> {
          try {
            return db.get(cf(column), key);
          } catch (RocksDBException e) {
            throw storageError(e);
          }
        });
  }

  @Override
  public void put(Column column, byte[] key, byte[] value, boolean sync) {
    whileOpen(
        () -> {
          try {
            db.put(cf(column), writeOptions, key, value);
          } catch (RocksDBException e) {
            throw storageError(e);
          }
          return null;
        });
    if (sync) {
      waitUntilDurable();
    }
  }

  @Override
  public void waitUntilDurable() {
    whileOpen(
        () -> {
          try {
            db.flushWal(true);
          } catch (RocksDBException e) {
            throw storageError(e);
          }
          return null;
        });
  }

  @Override
  public Iterator<byte[][]> scanColumn(Column column, boolean reverse) {
    return new RangeScan(db, cf(column), new byte[0], null, reverse);
  }

  @Override
  public Iterator<byte[][]> scanColumnFrom(
      Column column, byte[] fromKeyInclusive, boolean reverse) {
    return reverse
        ? RangeScan.descendingFrom(db, cf(column), fromKeyInclusive)
        : new RangeScan(db, cf(column), fromKeyInclusive, null);
  }

  @Override
  public void deleteColumnRange(Column column, byte[] fromInclusive, byte[] toExclusive) {
    try (WriteBatch batch = new WriteBatch()) {
      if (toExclusive != null) {
        batch.deleteRange(cf(column), fromInclusive, toExclusive);
      } else {
        // No key bounds the end of the column: delete up to its last key, and that key.
        Iterator<byte[][]> last = scanColumn(column, true);
        if (!last.hasNext()) {
          return;
        }
        byte[] lastKey = last.next()[0];
        if (Arrays.compareUnsigned(lastKey, fromInclusive) < 0) {
          return;
        }
        batch.deleteRange(cf(column), fromInclusive, lastKey);
        batch.delete(cf(column), lastKey);
      }
      write(batch);
    } catch (RocksDBException e) {
      throw storageError(e);
    }
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Flushes memtables and syncs the WAL, then closes RocksDB. */
  @Override
  public synchronized void close() {
    lifecycle.writeLock().lock();
    try {
      closeOpen();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void closeOpen() {
    if (!open) {
      return;
    }
    open = false;
    try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
      db.flushWal(true);
      db.flush(flush, new ArrayList<>(families.values()));
    } catch (RocksDBException e) {
      // closing anyway: the WAL still holds every acknowledged write
    }
    for (ColumnFamilyHandle handle : families.values()) {
      handle.close();
    }
    db.close();
    writeOptions.close();
    dbOptions.close();
    familyOptions.forEach(ColumnFamilyOptions::close);
    blockCache.close();
  }

  /** The catalog entry format. */
  static final class CatalogEntries {
    private CatalogEntries() {}

    static BsonDocument encode(CollectionMeta meta) {
      BsonArray indexes = new BsonArray();
      for (IndexMeta index : meta.indexes()) {
        indexes.add(
            new BsonDocument("name", new BsonString(index.name()))
                .append("key", index.key())
                .append("unique", BsonBoolean.valueOf(index.unique()))
                .append("sparse", BsonBoolean.valueOf(index.sparse()))
                .append("id", new BsonInt64(index.id()))
                .append("multikey", BsonBoolean.valueOf(index.multikey())));
      }
      return new BsonDocument("db", new BsonString(meta.db()))
          .append("name", new BsonString(meta.name()))
          .append("uuid", new BsonBinary(meta.uuid(), UuidRepresentation.STANDARD))
          .append("id", new BsonInt64(meta.id()))
          .append("options", meta.options())
          .append("indexes", indexes);
    }

    static CollectionMeta decode(BsonDocument doc) {
      List<IndexMeta> indexes = new ArrayList<>();
      for (BsonValue v : doc.getArray("indexes")) {
        BsonDocument i = v.asDocument();
        indexes.add(
            new IndexMeta(
                i.getString("name").getValue(),
                i.getDocument("key"),
                i.getBoolean("unique").getValue(),
                i.getBoolean("sparse").getValue(),
                i.getInt64("id").getValue(),
                i.getBoolean("multikey").getValue()));
      }
      return new CollectionMeta(
          doc.getString("db").getValue(),
          doc.getString("name").getValue(),
          doc.getBinary("uuid").asUuid(UuidRepresentation.STANDARD),
          doc.getInt64("id").getValue(),
          doc.getDocument("options"),
          indexes);
    }
  }
}
