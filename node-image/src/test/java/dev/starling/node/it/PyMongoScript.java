package dev.starling.node.it;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * Runs one of the PyMongo 3.11 scripts under {@code src/test/resources/it} with Debian's python.
 */
final class PyMongoScript {
  static final String PYTHON = "/usr/bin/python3";

  private PyMongoScript() {}

  /** Runs {@code script} with {@code args} in {@code work}; returns its RESULT document. */
  static Document run(Path work, String name, String script, String... args) throws Exception {
    Path file = work.resolve(script);
    try (InputStream in = PyMongoScript.class.getResourceAsStream("/it/" + script)) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command = new ArrayList<>(List.of(PYTHON, file.toString()));
    command.addAll(List.of(args));
    ClientRun run = ClientRun.run(name, command, Map.of("PYTHONDONTWRITEBYTECODE", "1"), work);
    if (run.exitCode() != 0) {
      throw new AssertionError(run.toString());
    }
    Document result = run.result();
    if (!result.getString("pymongo").startsWith("3.")) {
      throw new AssertionError("expected PyMongo 3.x, got " + result);
    }
    return result;
  }
}
