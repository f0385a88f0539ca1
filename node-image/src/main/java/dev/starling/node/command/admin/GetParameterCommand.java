package dev.starling.node.command.admin;

import dev.starling.node.command.Command;
import dev.starling.node.command.CommandContext;
import dev.starling.node.command.CommandMetadata;
import dev.starling.node.command.Databases;
import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** getParameter: named server parameters, or all of them with {@code getParameter: "*"}. */
public final class GetParameterCommand implements Command {
  @Override
  public List<String> names() {
    return List.of("getParameter");
  }

  @Override
  public CommandMetadata metadata() {
    return CommandMetadata.anywhere();
  }

  @Override
  public BsonDocument run(CommandContext context, BsonDocument command) {
    Databases.requireAdmin(context, "getParameter");
    Map<String, BsonValue> all = context.node().parameters().all();
    BsonDocument reply = new BsonDocument();
    BsonValue selector = command.get("getParameter");
    if (selector.isString() && selector.asString().getValue().equals("*")) {
      all.forEach(reply::append);
      return reply;
    }
    for (String name : command.keySet()) {
      if (name.equals("getParameter")
          || name.startsWith("$")
          || name.equals("lsid")
          || name.equals("comment")) {
        continue;
      }
      BsonValue value = all.get(name);
      if (value != null) {
        reply.append(name, value);
      }
    }
    if (reply.isEmpty()) {
      throw new MongoServerException(ErrorCode.INVALID_OPTIONS, "no option found to get");
    }
    return reply;
  }
}
