package dev.starling.node.config;

/**
 * Bad flags or configuration: the node prints the message as one line and exits with {@link
 * #exitCode()}.
 */
public final class OptionsException extends Exception {
  /** mongod's exit code for bad options. */
  public static final int BAD_OPTIONS = 2;

  private final int exitCode;

  public OptionsException(String message) {
    this(message, BAD_OPTIONS);
  }

  public OptionsException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
