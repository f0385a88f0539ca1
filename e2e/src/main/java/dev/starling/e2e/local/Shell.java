package dev.starling.e2e.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs the system tools the launcher drives (ip, openssl, iptables, kubectl) and turns their
 * failures into one line that names the command and quotes what it said.
 */
final class Shell {
  /** The Debian package that holds each tool we run, for the "not installed" message. */
  private static final Map<String, String> PACKAGES =
      Map.of(
          "ip", "iproute2",
          "iptables", "iptables",
          "openssl", "openssl",
          "setpriv", "util-linux",
          "nsenter", "util-linux",
          "setsid", "util-linux",
          "unshare", "util-linux",
          "umount", "mount");

  /** A finished command: its exit status and its stdout and stderr together. */
  record Result(int exitCode, String output) {
    boolean ok() {
      return exitCode == 0;
    }
  }

  private Shell() {}

  static Result run(List<String> command) {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    try {
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new Result(process.waitFor(), output);
    } catch (IOException e) {
      throw notRunnable(command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalException("interrupted while running " + command.get(0));
    }
  }

  /** Runs {@code command} and returns its output; a non-zero exit is a LocalException. */
  static String check(List<String> command) {
    Result result = run(command);
    if (!result.ok()) {
      throw new LocalException(
          String.join(" ", command)
              + " failed (exit "
              + result.exitCode()
              + "): "
              + lastLine(result.output()));
    }
    return result.output();
  }

  static String check(String... command) {
    return check(List.of(command));
  }

  /** Runs {@code command} with this process's stdin, stdout and stderr; returns its exit status. */
  static int inherit(List<String> command, Map<String, String> environment) {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().putAll(environment);
    try {
      return builder.start().waitFor();
    } catch (IOException e) {
      throw notRunnable(command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalException("interrupted while running " + command.get(0));
    }
  }

  static LocalException notRunnable(List<String> command, IOException e) {
    String tool = Path.of(command.get(0)).getFileName().toString();
    String hint =
        PACKAGES.containsKey(tool) ? " (install Debian's " + PACKAGES.get(tool) + ")" : "";
    return new LocalException("cannot run " + command.get(0) + hint + ": " + e.getMessage(), e);
  }

  /** The last non-blank line of a tool's output, which is where tools say what went wrong. */
  static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    for (int i = lines.length - 1; i >= 0; i--) {
      if (!lines[i].isBlank()) {
        String line = lines[i].strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
      }
    }
    return "(no output)";
  }
}
