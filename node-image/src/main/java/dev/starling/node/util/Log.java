package dev.starling.node.util;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

/**
 * A plain, line-per-event log on stdout; deliberately tiny so that the node has no logging
 * framework to configure.
 */
public final class Log {
  private static volatile boolean quiet;

  private Log() {}

  public static void quiet(boolean value) {
    quiet = value;
  }

  public static void info(String format, Object... args) {
    if (!quiet) {
      System.out.println(Instant.now() + " I " + String.format(format, args));
    }
  }

  public static void warn(String format, Object... args) {
    System.out.println(Instant.now() + " W " + String.format(format, args));
  }

  public static void error(Throwable t, String format, Object... args) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    System.out.println(Instant.now() + " E " + String.format(format, args) + "\n" + trace);
  }
}
