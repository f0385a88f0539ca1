package dev.starling.node.spec;

import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.event.CommandSucceededEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * The command monitoring events one client entity observes, filtered as the entity's {@code
 * observeEvents}, {@code ignoreCommandMonitoringEvents} and {@code observeSensitiveCommands} say.
 * {@code configureFailPoint} is never recorded: it is the runner's own command.
 */
final class CommandRecorder implements CommandListener {
  private static final Set<String> SENSITIVE =
      Set.of(
          "authenticate",
          "saslstart",
          "saslcontinue",
          "getnonce",
          "createuser",
          "updateuser",
          "copydbgetnonce",
          "copydbsaslstart",
          "copydb");

  /** One recorded event; {@code command} or {@code reply} is null where the kind has none. */
  record Event(
      String kind,
      String commandName,
      String databaseName,
      BsonDocument command,
      BsonDocument reply,
      boolean hasServiceId,
      boolean hasServerConnectionId,
      Throwable failure) {}

  private final Set<String> observed;
  private final Set<String> ignored;
  private final boolean observeSensitive;
  private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
  private final Set<Integer> skippedRequests = Collections.synchronizedSet(new HashSet<>());

  CommandRecorder(Set<String> observed, Set<String> ignored, boolean observeSensitive) {
    this.observed = observed;
    this.ignored = ignored;
    this.observeSensitive = observeSensitive;
  }

  List<Event> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Every started command, observed or not, for the lsid assertions. */
  List<Event> startedEvents() {
    return events().stream().filter(e -> e.kind().equals("commandStartedEvent")).toList();
  }

  private boolean skip(String commandName, BsonDocument command) {
    String name = commandName.toLowerCase();
    if (name.equals("configurefailpoint") || ignored.contains(commandName)) {
      return true;
    }
    if (observeSensitive) {
      return false;
    }
    if (SENSITIVE.contains(name)) {
      return true;
    }
    return (name.equals("hello") || name.equals("ismaster"))
        && (command == null || command.isEmpty() || command.containsKey("speculativeAuthenticate"));
  }

  @Override
  public void commandStarted(CommandStartedEvent event) {
    BsonDocument command = copy(event.getCommand());
    if (skip(event.getCommandName(), command)) {
      skippedRequests.add(event.getRequestId());
      return;
    }
    if (observed.contains("commandStartedEvent")) {
      events.add(
          new Event(
              "commandStartedEvent",
              event.getCommandName(),
              event.getDatabaseName(),
              command,
              null,
              event.getConnectionDescription().getServiceId() != null,
              event.getConnectionDescription().getConnectionId().getServerValue() != null,
              null));
    }
  }

  @Override
  public void commandSucceeded(CommandSucceededEvent event) {
    if (skippedRequests.remove(event.getRequestId()) || skip(event.getCommandName(), null)) {
      return;
    }
    if (observed.contains("commandSucceededEvent")) {
      events.add(
          new Event(
              "commandSucceededEvent",
              event.getCommandName(),
              event.getDatabaseName(),
              null,
              copy(event.getResponse()),
              event.getConnectionDescription().getServiceId() != null,
              event.getConnectionDescription().getConnectionId().getServerValue() != null,
              null));
    }
  }

  @Override
  public void commandFailed(CommandFailedEvent event) {
    if (skippedRequests.remove(event.getRequestId()) || skip(event.getCommandName(), null)) {
      return;
    }
    if (observed.contains("commandFailedEvent")) {
      events.add(
          new Event(
              "commandFailedEvent",
              event.getCommandName(),
              event.getDatabaseName(),
              null,
              null,
              event.getConnectionDescription().getServiceId() != null,
              event.getConnectionDescription().getConnectionId().getServerValue() != null,
              event.getThrowable()));
    }
  }

  /** The driver's documents may be views on a buffer it reuses: keep a decoded copy. */
  private static BsonDocument copy(BsonDocument document) {
    if (document == null) {
      return null;
    }
    BsonDocumentCodec codec = new BsonDocumentCodec();
    return new RawBsonDocument(document, codec).decode(codec);
  }
}
