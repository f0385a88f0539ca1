package dev.starling.node.spec;

import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** Opens a change stream ({@code createChangeStream}) on a collection, database or client. */
final class ChangeStreams {
  private ChangeStreams() {}

  static MongoCursor<BsonDocument> open(ChangeStreamIterable<BsonDocument> stream, Arguments args) {
    args.get("pipeline");
    BsonValue value;
    if ((value = args.get("batchSize")) != null) {
      stream.batchSize(value.asNumber().intValue());
    }
    if ((value = args.get("comment")) != null) {
      stream.comment(value);
    }
    if ((value = args.get("fullDocument")) != null) {
      stream.fullDocument(FullDocument.fromString(value.asString().getValue()));
    }
    if ((value = args.get("fullDocumentBeforeChange")) != null) {
      stream.fullDocumentBeforeChange(
          FullDocumentBeforeChange.fromString(value.asString().getValue()));
    }
    if ((value = args.get("maxAwaitTimeMS")) != null) {
      stream.maxAwaitTime(value.asNumber().longValue(), TimeUnit.MILLISECONDS);
    }
    if ((value = args.get("showExpandedEvents")) != null) {
      stream.showExpandedEvents(value.asBoolean().getValue());
    }
    if ((value = args.get("resumeAfter")) != null) {
      stream.resumeAfter(value.asDocument());
    }
    args.checkAllUsed();
    return stream.withDocumentClass(BsonDocument.class).cursor();
  }
}
