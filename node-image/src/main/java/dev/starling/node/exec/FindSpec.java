package dev.starling.node.exec;

import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * What a query asks for, as the find command (and count, findAndModify, update, delete) carry it.
 *
 * @param limit the maximum number of results; 0 means no limit
 */
public record FindSpec(
    BsonDocument filter,
    BsonDocument sort,
    BsonDocument projection,
    long skip,
    long limit,
    BsonValue hint) {

  public static FindSpec filter(BsonDocument filter) {
    return new FindSpec(filter, null, null, 0, 0, null);
  }
}
