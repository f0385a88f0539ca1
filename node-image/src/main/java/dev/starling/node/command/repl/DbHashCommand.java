package dev.starling.node.command.repl;

import dev.starling.node.command.Args;
import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.repl.DbHash;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;

/**
 * dbHash: {@code {dbHash: 1, collections?: [names]}} answers each collection's MD5 and the
 * database's, to check that replica-set members hold the same data (see {@link DbHash}).
 */
public final class DbHashCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("dbHash", "dbhash");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.validate(context.database());
    long started = context.node().clock().millis();
    DbHash hash = DbHash.of(context.node().storage(), context.database(), only(command));
    return reply(context.node().me(), hash, context.node().clock().millis() - started);
  }

  private static Set<String> only(BsonDocument command) {
    Set<String> names = new HashSet<>();
    if (command.containsKey("collections")) {
      for (BsonValue name : Args.array(command, "collections")) {
        if (!name.isString()) {
          throw new MongoServerException(
              ErrorCode.BAD_VALUE, "collections entries have to be strings");
        }
        names.add(name.asString().getValue());
      }
    }
    return names;
  }

  /** The reply as mongod shapes it (the dispatcher adds ok). */
  static BsonDocument reply(String host, DbHash hash, long timeMillis) {
    BsonDocument collections = new BsonDocument();
    hash.collections().forEach((name, md5) -> collections.append(name, new BsonString(md5)));
    BsonDocument uuids = new BsonDocument();
    for (Map.Entry<String, UUID> e : hash.uuids().entrySet()) {
      uuids.append(e.getKey(), new BsonBinary(e.getValue(), UuidRepresentation.STANDARD));
    }
    return new BsonDocument("host", new BsonString(host))
        .append("collections", collections)
        .append("capped", new BsonArray())
        .append("uuids", uuids)
        .append("md5", new BsonString(hash.md5()))
        .append("timeMillis", new BsonInt64(timeMillis));
  }
}
