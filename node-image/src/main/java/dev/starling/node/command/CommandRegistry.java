package dev.starling.node.command;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Maps command names to commands. */
public final class CommandRegistry {
  private final Map<String, Command> commands = new HashMap<>();

  public CommandRegistry register(Command command) {
    for (String name : command.names()) {
      if (commands.putIfAbsent(name, command) != null) {
        throw new IllegalStateException("two commands named " + name);
      }
    }
    return this;
  }

  public CommandRegistry registerAll(List<? extends Command> list) {
    list.forEach(this::register);
    return this;
  }

  public Command find(String name) {
    return commands.get(name);
  }

  /** Every name a command answers to (aliases included). */
  public java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(commands.keySet());
  }
}
