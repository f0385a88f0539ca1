package dev.starling.node.command.session;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.OperationSessionInfo;
import dev.starling.node.command.Sessions;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * killSessions, killAllSessions and killAllSessionsByPattern: end sessions now, killing their
 * cursors. An empty list kills every session. With authentication off no session has a user, so a
 * pattern by user or role matches none; a pattern by {@code lsid} matches that session.
 */
public final class KillSessionsCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("killSessions", "killAllSessions", "killAllSessionsByPattern");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    String name = command.getFirstKey();
    BsonArray value = SessionIds.array(command, name);
    List<BsonDocument> killed;
    if (value.isEmpty()) {
      killed = context.node().sessions().all();
    } else if (name.equals("killSessions")) {
      killed = SessionIds.of(command, name);
    } else {
      killed = new ArrayList<>();
      for (BsonValue pattern : value) {
        if (!pattern.isDocument()) {
          throw new MongoServerException(
              ErrorCode.TYPE_MISMATCH, name + " takes an array of objects");
        }
        if (pattern.asDocument().get("lsid") instanceof BsonValue lsid) {
          killed.add(OperationSessionInfo.lsid(lsid, name + ".lsid"));
        }
      }
    }
    Sessions.end(context.node(), killed);
    return new BsonDocument();
  }
}
