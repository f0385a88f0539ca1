package dev.starling.node.command;

import dev.starling.node.command.admin.BuildInfoCommand;
import dev.starling.node.command.admin.ConnectionStatusCommand;
import dev.starling.node.command.admin.GetCmdLineOptsCommand;
import dev.starling.node.command.admin.GetLogCommand;
import dev.starling.node.command.admin.GetParameterCommand;
import dev.starling.node.command.admin.HelloCommand;
import dev.starling.node.command.admin.HostInfoCommand;
import dev.starling.node.command.admin.PingCommand;
import dev.starling.node.command.admin.ServerStatusCommand;
import dev.starling.node.command.admin.WhatsMyUriCommand;
import dev.starling.node.command.catalog.CollStatsCommand;
import dev.starling.node.command.catalog.CreateCommand;
import dev.starling.node.command.catalog.CreateIndexesCommand;
import dev.starling.node.command.catalog.DbStatsCommand;
import dev.starling.node.command.catalog.DropCommand;
import dev.starling.node.command.catalog.DropDatabaseCommand;
import dev.starling.node.command.catalog.DropIndexesCommand;
import dev.starling.node.command.catalog.ListCollectionsCommand;
import dev.starling.node.command.catalog.ListDatabasesCommand;
import dev.starling.node.command.catalog.ListIndexesCommand;
import dev.starling.node.command.catalog.RenameCollectionCommand;
import dev.starling.node.command.crud.AggregateCommand;
import dev.starling.node.command.crud.CountCommand;
import dev.starling.node.command.crud.DeleteCommand;
import dev.starling.node.command.crud.DistinctCommand;
import dev.starling.node.command.crud.ExplainCommand;
import dev.starling.node.command.crud.FindAndModifyCommand;
import dev.starling.node.command.crud.FindCommand;
import dev.starling.node.command.crud.GetMoreCommand;
import dev.starling.node.command.crud.InsertCommand;
import dev.starling.node.command.crud.KillCursorsCommand;
import dev.starling.node.command.crud.UpdateCommand;
import dev.starling.node.command.repl.ConfigureFailPointCommand;
import dev.starling.node.command.repl.DbHashCommand;
import dev.starling.node.command.repl.GetDefaultRWConcernCommand;
import dev.starling.node.command.repl.ReplSetAbortPrimaryCatchUpCommand;
import dev.starling.node.command.repl.ReplSetFreezeCommand;
import dev.starling.node.command.repl.ReplSetGetConfigCommand;
import dev.starling.node.command.repl.ReplSetGetStatusCommand;
import dev.starling.node.command.repl.ReplSetHeartbeatCommand;
import dev.starling.node.command.repl.ReplSetInitiateCommand;
import dev.starling.node.command.repl.ReplSetReconfigCommand;
import dev.starling.node.command.repl.ReplSetRequestVotesCommand;
import dev.starling.node.command.repl.ReplSetResizeOplogCommand;
import dev.starling.node.command.repl.ReplSetStepDownCommand;
import dev.starling.node.command.repl.ReplSetStepUpCommand;
import dev.starling.node.command.repl.ReplSetSyncFromCommand;
import dev.starling.node.command.repl.ReplSetUpdatePositionCommand;
import dev.starling.node.command.repl.SetDefaultRWConcernCommand;
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
                new dev.starling.node.command.session.StartSessionCommand(),
                new dev.starling.node.command.session.EndSessionsCommand(),
                new dev.starling.node.command.session.RefreshSessionsCommand(),
                new dev.starling.node.command.session.KillSessionsCommand(),
                new ConnectionStatusCommand(),
                new GetLogCommand(),
                new InsertCommand(),
                new FindCommand(),
                new GetMoreCommand(),
                new KillCursorsCommand(),
                new UpdateCommand(),
                new DeleteCommand(),
                new FindAndModifyCommand(),
                new CountCommand(),
                new DistinctCommand(),
                new AggregateCommand(),
                new ExplainCommand(),
                new CreateCommand(),
                new DropCommand(),
                new DropDatabaseCommand(),
                new RenameCollectionCommand(),
                new ListDatabasesCommand(),
                new ListCollectionsCommand(),
                new CollStatsCommand(),
                new DbStatsCommand(),
                new CreateIndexesCommand(),
                new ListIndexesCommand(),
                new DropIndexesCommand(),
                new ReplSetInitiateCommand(),
                new ReplSetGetConfigCommand(),
                new ReplSetGetStatusCommand(),
                new ReplSetHeartbeatCommand(),
                new ReplSetRequestVotesCommand(),
                new ReplSetUpdatePositionCommand(),
                new ReplSetStepDownCommand(),
                new ReplSetFreezeCommand(),
                new ReplSetStepUpCommand(),
                new ReplSetAbortPrimaryCatchUpCommand(),
                new ReplSetResizeOplogCommand(),
                new ReplSetReconfigCommand(),
                new GetDefaultRWConcernCommand(),
                new SetDefaultRWConcernCommand(),
                new ReplSetSyncFromCommand(),
                new ConfigureFailPointCommand(),
                new DbHashCommand()));
  }
}
