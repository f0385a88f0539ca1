package dev.starling.node.spec;

import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;

/** Checks the command events a client observed against one {@code expectEvents} entry. */
final class EventCheck {
  private EventCheck() {}

  static void verify(BsonDocument expectation, Entities entities, ValueMatcher matcher) {
    String clientId = expectation.getString("client").getValue();
    String eventType = expectation.getString("eventType", new BsonString("command")).getValue();
    if (!eventType.equals("command")) {
      throw new Unsupported("unsupported expectEvents eventType: " + eventType);
    }
    for (String key : expectation.keySet()) {
      if (!List.of("client", "eventType", "events", "ignoreExtraEvents").contains(key)) {
        throw new Unsupported("unsupported expectEvents field: " + key);
      }
    }
    boolean ignoreExtra =
        expectation.getBoolean("ignoreExtraEvents", org.bson.BsonBoolean.FALSE).getValue();
    List<BsonValue> expected = expectation.getArray("events").getValues();
    List<CommandRecorder.Event> actual = entities.client(clientId).recorder().events();
    if (actual.size() < expected.size() || (!ignoreExtra && actual.size() != expected.size())) {
      throw new AssertionError(
          "client "
              + clientId
              + ": expected "
              + expected.size()
              + " events but observed "
              + actual.size()
              + ": "
              + names(actual));
    }
    for (int i = 0; i < expected.size(); i++) {
      BsonDocument want = expected.get(i).asDocument();
      String kind = want.getFirstKey();
      CommandRecorder.Event event = actual.get(i);
      String where = "client " + clientId + " event " + i + " (" + kind + "): ";
      if (!kind.equals(event.kind())) {
        throw new AssertionError(
            where + "got " + event.kind() + " " + event.commandName() + "; all: " + names(actual));
      }
      try {
        verifyEvent(want.getDocument(kind), event, matcher);
      } catch (ValueMatcher.MatchFailure e) {
        throw new AssertionError(where + e.getMessage(), e);
      }
    }
  }

  private static void verifyEvent(
      BsonDocument want, CommandRecorder.Event event, ValueMatcher matcher) {
    for (Map.Entry<String, BsonValue> field : want.entrySet()) {
      BsonValue value = field.getValue();
      switch (field.getKey()) {
        case "command" -> matcher.matchRoot(value, event.command());
        case "reply" -> matcher.matchRoot(value, event.reply());
        case "commandName" -> matcher.matchRoot(value, new BsonString(event.commandName()));
        case "databaseName" -> matcher.matchRoot(value, new BsonString(event.databaseName()));
        case "hasServiceId" -> {
          if (value.asBoolean().getValue() != event.hasServiceId()) {
            throw new AssertionError("hasServiceId is " + event.hasServiceId());
          }
        }
        case "hasServerConnectionId" -> {
          if (value.asBoolean().getValue() != event.hasServerConnectionId()) {
            throw new AssertionError("hasServerConnectionId is " + event.hasServerConnectionId());
          }
        }
        default -> throw new Unsupported("unsupported event field: " + field.getKey());
      }
    }
  }

  private static String names(List<CommandRecorder.Event> events) {
    return events.stream()
        .map(e -> e.kind().replace("command", "").replace("Event", "") + ":" + e.commandName())
        .toList()
        .toString();
  }
}
