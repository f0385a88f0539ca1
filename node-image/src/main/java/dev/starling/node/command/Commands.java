package dev.starling.node.command;

import dev.starling.node.command.admin.BuildInfoCommand;
import dev.starling.node.command.admin.ConnectionStatusCommand;
import dev.starling.node.command.admin.EndSessionsCommand;
import dev.starling.node.command.admin.GetCmdLineOptsCommand;
import dev.starling.node.command.admin.GetLogCommand;
import dev.starling.node.command.admin.GetParameterCommand;
import dev.starling.node.command.admin.HelloCommand;
import dev.starling.node.command.admin.HostInfoCommand;
import dev.starling.node.command.admin.PingCommand;
import dev.starling.node.command.admin.ServerStatusCommand;
import dev.starling.node.command.admin.WhatsMyUriCommand;
import java.util.List;

/** Every command this node serves. */
public final class Commands {
  private Commands() {}

  public static CommandRegistry registry() {
    return new CommandRegistry()
        .registerAll(
            List.of(
                new HelloCommand(),
                new PingCommand(),
                new BuildInfoCommand(),
                new ServerStatusCommand(),
                new HostInfoCommand(),
                new WhatsMyUriCommand(),
                new GetCmdLineOptsCommand(),
                new GetParameterCommand(),
                new EndSessionsCommand(),
                new ConnectionStatusCommand(),
                new GetLogCommand()));
  }
}
