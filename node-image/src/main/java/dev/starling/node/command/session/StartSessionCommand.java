package dev.starling.node.command.session;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import java.util.List;
import java.util.UUID;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.UuidRepresentation;

/** startSession: a new logical session with a server-chosen id, as mongod answers it. */
public final class StartSessionCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("startSession");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    BsonDocument lsid =
        new BsonDocument("id", new BsonBinary(UUID.randomUUID(), UuidRepresentation.STANDARD));
    context.node().sessions().touch(lsid, context.node().clock().instant());
    return new BsonDocument("id", lsid)
        .append(
            "timeoutMinutes", new BsonInt32((int) context.node().sessions().timeout().toMinutes()));
  }
}
