package dev.starling.node.command;

import dev.starling.node.storage.CollectionMeta;
import org.bson.BsonDocument;

/** Resolves the collection a command names in its database. */
public final class Namespaces {
  private Namespaces() {}

  /** The existing collection, or null. */
  public static CollectionMeta existing(CommandContext context, BsonDocument command) {
    Databases.validate(context.database());
    return context.node().storage().collection(context.database(), Args.collection(command));
  }

  /** The collection, created if missing (writes create collections implicitly). */
  public static CollectionMeta forWrite(CommandContext context, BsonDocument command) {
    Databases.validate(context.database());
    return context
        .node()
        .storage()
        .collectionForWrite(context.database(), Args.collection(command));
  }

  public static String ns(CommandContext context, BsonDocument command) {
    return context.database() + "." + Args.collection(command);
  }
}
