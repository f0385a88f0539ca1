package dev.starling.e2e.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The state files (cluster.json, health.json, the kubelet's pod.json): read whole, written
 * atomically.
 */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private Json() {}

  /** The file's content, or empty when it does not exist (a half-written file never exists). */
  static <T> Optional<T> read(Path file, Class<T> type) {
    try {
      return Optional.of(MAPPER.readValue(Files.readString(file), type));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new LocalException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes through a temporary file and a rename, so a reader sees the old or the new content. */
  static void write(Path file, Object value) {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(temporary, MAPPER.writeValueAsString(value));
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new LocalException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
