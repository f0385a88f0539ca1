package dev.starling.node.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/** An external client program run to completion, with its output kept under target/it-logs. */
record ClientRun(List<String> command, int exitCode, String stdout, String stderr) {
  private static final String RESULT = "RESULT ";

  static ClientRun run(String name, List<String> command, Map<String, String> env, Path workDir)
      throws IOException, InterruptedException {
    Path out = NodeProcess.logDir().resolve(name + ".stdout.log");
    Path err = NodeProcess.logDir().resolve(name + ".stderr.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError(command + " did not finish within 120 s");
      }
    } finally {
      process.destroyForcibly();
    }
    return new ClientRun(
        command,
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** The JSON document the program printed on its {@code RESULT} line. */
  Document result() {
    return stdout
        .lines()
        .filter(l -> l.startsWith(RESULT))
        .map(l -> Document.parse(l.substring(RESULT.length())))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no RESULT line in the output of " + this));
  }

  @Override
  public String toString() {
    return command
        + " exited with "
        + exitCode
        + "\n--- stdout:\n"
        + stdout
        + "\n--- stderr:\n"
        + stderr;
  }
}
