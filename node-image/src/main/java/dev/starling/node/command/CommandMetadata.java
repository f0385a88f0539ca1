package dev.starling.node.command;

/**
 * What the dispatcher must know about a command before and after running it, declared by the
 * command itself (mongod's {@code Command::secondaryAllowed()} and {@code supportsWriteConcern()}):
 * where in a replica set it may run, how its write concern is honoured, and which opcounter it
 * counts in.
 *
 * @param secondary whether a member that is not the writable primary runs it
 * @param writeConcern whether it takes a write concern, and who waits for it
 * @param counter the serverStatus opcounter one run counts in; the dispatcher counts {@code
 *     COMMAND} runs, the commands count the others themselves (per document or statement)
 */
public record CommandMetadata(
    AllowedOnSecondary secondary, WriteConcernUse writeConcern, OpCounters.Kind counter) {

  /** mongod's {@code Command::AllowedOnSecondary}. */
  public enum AllowedOnSecondary {
    /** Runs on any member (hello, replSet*, getMore, serverStatus ...). */
    ALWAYS,
    /**
     * Runs on a non-primary only if the client opted in with a non-primary read preference (13435
     * NotPrimaryNoSecondaryOk otherwise), and only while the member is readable (13436).
     */
    OPT_IN,
    /** Runs only on the writable primary (10107 NotWritablePrimary otherwise). */
    NEVER
  }

  /** Whether a command takes a writeConcern (mongod's supportsWriteConcern) and who waits. */
  public enum WriteConcernUse {
    /** It takes none: a writeConcern field is ignored. */
    NONE,
    /** The dispatcher waits for it once the command ran (catalog changes). */
    AWAITED_AFTER_RUN,
    /** The command waits itself, to report the wait along with its own write errors (CRUD). */
    AWAITED_BY_COMMAND;

    public boolean supported() {
      return this != NONE;
    }
  }

  /** Runs on any member, takes no write concern, counts as a command. */
  public static CommandMetadata anywhere() {
    return new CommandMetadata(
        AllowedOnSecondary.ALWAYS, WriteConcernUse.NONE, OpCounters.Kind.COMMAND);
  }

  /** A read a secondary serves to clients that opted in; counts as a command. */
  public static CommandMetadata secondaryOptIn() {
    return new CommandMetadata(
        AllowedOnSecondary.OPT_IN, WriteConcernUse.NONE, OpCounters.Kind.COMMAND);
  }

  /** A write only the primary takes; counts as a command. */
  public static CommandMetadata primaryOnly(WriteConcernUse writeConcern) {
    return new CommandMetadata(AllowedOnSecondary.NEVER, writeConcern, OpCounters.Kind.COMMAND);
  }

  /** The same, counted in {@code kind} instead. */
  public CommandMetadata countedAs(OpCounters.Kind kind) {
    return new CommandMetadata(secondary, writeConcern, kind);
  }
}
