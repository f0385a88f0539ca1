package dev.starling.node.spec;

import com.mongodb.ReadConcern;
import com.mongodb.ReadConcernLevel;
import com.mongodb.ReadPreference;
import com.mongodb.Tag;
import com.mongodb.TagSet;
import com.mongodb.TransactionOptions;
import com.mongodb.WriteConcern;
import com.mongodb.client.model.Collation;
import com.mongodb.client.model.CollationAlternate;
import com.mongodb.client.model.CollationCaseFirst;
import com.mongodb.client.model.CollationMaxVariable;
import com.mongodb.client.model.CollationStrength;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** Turns the format's option documents into the driver's option objects. */
final class DriverOptions {
  private DriverOptions() {}

  static ReadConcern readConcern(BsonDocument doc) {
    for (String key : doc.keySet()) {
      if (!key.equals("level")) {
        throw new Unsupported("unsupported argument: readConcern." + key);
      }
    }
    return doc.containsKey("level")
        ? new ReadConcern(ReadConcernLevel.fromString(doc.getString("level").getValue()))
        : ReadConcern.DEFAULT;
  }

  static WriteConcern writeConcern(BsonDocument doc) {
    WriteConcern concern = WriteConcern.ACKNOWLEDGED;
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      BsonValue v = e.getValue();
      concern =
          switch (e.getKey()) {
            case "w" ->
                v.isString()
                    ? concern.withW(v.asString().getValue())
                    : concern.withW(v.asNumber().intValue());
            case "journal", "j" -> concern.withJournal(v.asBoolean().getValue());
            case "wtimeoutMS", "wtimeout" ->
                concern.withWTimeout(v.asNumber().longValue(), TimeUnit.MILLISECONDS);
            default -> throw new Unsupported("unsupported argument: writeConcern." + e.getKey());
          };
    }
    return concern;
  }

  static ReadPreference readPreference(BsonDocument doc) {
    String mode = doc.getString("mode").getValue();
    List<TagSet> tagSets = new ArrayList<>();
    Long maxStaleness = null;
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      switch (e.getKey()) {
        case "mode" -> {}
        case "tagSets" -> {
          for (BsonValue set : e.getValue().asArray()) {
            List<Tag> tags = new ArrayList<>();
            set.asDocument().forEach((k, v) -> tags.add(new Tag(k, v.asString().getValue())));
            tagSets.add(new TagSet(tags));
          }
        }
        case "maxStalenessSeconds" -> maxStaleness = e.getValue().asNumber().longValue();
        default -> throw new Unsupported("unsupported argument: readPreference." + e.getKey());
      }
    }
    if (tagSets.isEmpty() && maxStaleness == null) {
      return ReadPreference.valueOf(mode);
    }
    return maxStaleness == null
        ? ReadPreference.valueOf(mode, tagSets)
        : ReadPreference.valueOf(mode, tagSets, maxStaleness, TimeUnit.SECONDS);
  }

  static TransactionOptions transactionOptions(BsonDocument doc) {
    TransactionOptions.Builder builder = TransactionOptions.builder();
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      BsonValue v = e.getValue();
      switch (e.getKey()) {
        case "readConcern" -> builder.readConcern(readConcern(v.asDocument()));
        case "writeConcern" -> builder.writeConcern(writeConcern(v.asDocument()));
        case "readPreference" -> builder.readPreference(readPreference(v.asDocument()));
        case "maxCommitTimeMS" ->
            builder.maxCommitTime(v.asNumber().longValue(), TimeUnit.MILLISECONDS);
        default -> throw new Unsupported("unsupported argument: transactionOptions." + e.getKey());
      }
    }
    return builder.build();
  }

  static Collation collation(BsonDocument doc) {
    Collation.Builder builder = Collation.builder();
    for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
      BsonValue v = e.getValue();
      switch (e.getKey()) {
        case "locale" -> builder.locale(v.asString().getValue());
        case "strength" ->
            builder.collationStrength(CollationStrength.fromInt(v.asInt32().getValue()));
        case "caseLevel" -> builder.caseLevel(v.asBoolean().getValue());
        case "caseFirst" ->
            builder.collationCaseFirst(CollationCaseFirst.fromString(v.asString().getValue()));
        case "numericOrdering" -> builder.numericOrdering(v.asBoolean().getValue());
        case "alternate" ->
            builder.collationAlternate(CollationAlternate.fromString(v.asString().getValue()));
        case "maxVariable" ->
            builder.collationMaxVariable(CollationMaxVariable.fromString(v.asString().getValue()));
        case "normalization" -> builder.normalization(v.asBoolean().getValue());
        case "backwards" -> builder.backwards(v.asBoolean().getValue());
        default -> throw new Unsupported("unsupported argument: collation." + e.getKey());
      }
    }
    return builder.build();
  }
}
