package dev.starling.node.spec;

import com.mongodb.client.ClientSession;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.model.GridFSDownloadOptions;
import java.io.ByteArrayOutputStream;
import org.bson.BsonBinary;
import org.bson.BsonValue;

/**
 * The GridFS reads of the format on a bucket entity ({@code download}, {@code downloadByName}); the
 * file's bytes are the result, for {@code $$matchesHexBytes}. Uploads, deletes and the rest are
 * reported unsupported.
 */
final class GridFsOperations {
  private GridFsOperations() {}

  static BsonValue run(GridFSBucket bucket, ClientSession session, String name, Arguments args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    switch (name) {
      case "download" -> {
        BsonValue id = args.required("id");
        args.checkAllUsed();
        if (session == null) {
          bucket.downloadToStream(id, bytes);
        } else {
          bucket.downloadToStream(session, id, bytes);
        }
      }
      case "downloadByName" -> {
        String filename = args.required("filename").asString().getValue();
        GridFSDownloadOptions options = new GridFSDownloadOptions();
        args.ifPresent("revision", v -> options.revision(v.asNumber().intValue()));
        args.checkAllUsed();
        if (session == null) {
          bucket.downloadToStream(filename, bytes, options);
        } else {
          bucket.downloadToStream(session, filename, bytes, options);
        }
      }
      default -> throw Unsupported.operation(name + " on a GridFS bucket");
    }
    return new BsonBinary(bytes.toByteArray());
  }
}
