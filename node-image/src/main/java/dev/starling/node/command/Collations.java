package dev.starling.node.command;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The {@code collation} option of every command that takes one. This node compares strings by their
 * bytes only (MongoDB's "simple" collation): an absent collation and {@code {locale: "simple"}} run
 * as usual; any other collation is refused before the command reads or writes anything, because
 * ignoring it would match, sort and count differently from mongod.
 *
 * <p>A malformed collation document fails as mongod's IDL parser fails it (40414 for a missing
 * {@code locale}, 40415 for an unknown field, 14 for a wrong type). A well-formed collation other
 * than simple gets 238 NotImplemented: mongod would accept it, and NotImplemented is the code
 * mongod itself returns for a feature a build or storage engine does not provide; a driver shows it
 * as a server error and never retries it.
 */
public final class Collations {
  /** The fields of mongod 6.0's collation document (collation.idl). */
  private static final Set<String> FIELDS =
      Set.of(
          "locale",
          "caseLevel",
          "caseFirst",
          "strength",
          "numericOrdering",
          "alternate",
          "maxVariable",
          "normalization",
          "backwards",
          "version");

  /** Commands whose collation is a top-level field. */
  private static final Set<String> TOP_LEVEL =
      Set.of(
          "find",
          "aggregate",
          "count",
          "distinct",
          "findAndModify",
          "findandmodify",
          "create",
          "explain");

  /** Commands whose statements or specs each carry their own collation: command -> array. */
  private static final Map<String, String> PER_ENTRY =
      Map.of("update", "updates", "delete", "deletes", "createIndexes", "indexes");

  private Collations() {}

  /** Refuses every collation in {@code command} other than the simple one. */
  public static void requireSimple(String name, BsonDocument command) {
    if (name.equals("explain") && command.get("explain") instanceof BsonDocument inner) {
      if (!inner.isEmpty()) {
        requireSimple(inner.getFirstKey(), inner);
      }
      return;
    }
    if (TOP_LEVEL.contains(name)) {
      check(command.get("collation"));
    }
    String array = PER_ENTRY.get(name);
    if (array != null && command.get(array) instanceof org.bson.BsonArray entries) {
      for (BsonValue entry : entries) {
        if (entry instanceof BsonDocument doc) {
          check(doc.get("collation"));
        }
      }
    }
  }

  private static void check(BsonValue collation) {
    String path = "collation"; // mongod parses it with the IDL context "collation"
    if (collation == null) {
      return;
    }
    if (!(collation instanceof BsonDocument spec)) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "BSON field '"
              + path
              + "' is the wrong type '"
              + TypeNames.of(collation)
              + "', expected type 'object'");
    }
    for (String field : spec.keySet()) {
      if (!FIELDS.contains(field)) {
        throw new MongoServerException(
            ErrorCode.LOCATION_40415,
            "BSON field '" + path + "." + field + "' is an unknown field.");
      }
    }
    BsonValue locale = spec.get("locale");
    if (locale == null) {
      throw new MongoServerException(
          ErrorCode.LOCATION_40414,
          "BSON field '" + path + ".locale' is missing but a required field");
    }
    if (!(locale instanceof BsonString s)) {
      throw new MongoServerException(
          ErrorCode.TYPE_MISMATCH,
          "BSON field '"
              + path
              + ".locale' is the wrong type '"
              + TypeNames.of(locale)
              + "', expected type 'string'");
    }
    if (s.getValue().equals("simple")) {
      if (spec.size() > 1) {
        throw new MongoServerException(
            ErrorCode.FAILED_TO_PARSE,
            "If locale=simple, no other fields should be present in: " + spec.toJson());
      }
      return;
    }
    throw new MongoServerException(
        ErrorCode.NOT_IMPLEMENTED,
        "collation "
            + spec.toJson()
            + " is not supported: this node compares strings only by their bytes (the simple"
            + " collation); omit collation or use {locale: \"simple\"}");
  }
}
