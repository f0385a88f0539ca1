package dev.starling.e2e.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Maps an image repository (the reference without {@code :tag} or {@code @digest}) to a local
 * stand-in: a Dockerfile for the run configuration and host files for the contents. There is no
 * registry: an image is "present" when its table entry and its files exist.
 *
 * <p>The table is JSON: {@code {"repo": {"dockerfile": "...", "env": {...}, "files": {"/target":
 * "source"}}}}. Relative paths are against the checkout; {@code ${java.home}} is the JDK running
 * the kubelet. {@code env} plays the part of the base image's ENV.
 */
final class ImageTable {

  /** The PATH an image gets when neither it nor its base sets one (as in Docker). */
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Entry(
      Optional<Path> dockerfile, Map<String, String> env, Map<String, Path> files) {}

  /** Either a runnable image or why not. */
  sealed interface Resolution {}

  record Found(LocalImage image) implements Resolution {}

  record NotFound(String message) implements Resolution {}

  private final Map<String, Entry> entries;

  private ImageTable(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** The table that ships with the kubelet: starling/node, starling/operator, starling/toolbox. */
  static ImageTable builtIn(Path checkout, Path javaHome) {
    try (InputStream in = ImageTable.class.getResourceAsStream("image-table.json")) {
      return parse(JSON.readTree(in), checkout, javaHome);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ImageTable load(Path file, Path checkout, Path javaHome) throws IOException {
    return parse(JSON.readTree(file.toFile()), checkout, javaHome);
  }

  static ImageTable parse(JsonNode root, Path checkout, Path javaHome) {
    Map<String, Entry> entries = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode node = field.getValue();
      Optional<Path> dockerfile =
          Optional.ofNullable(node.get("dockerfile"))
              .map(JsonNode::asText)
              .map(p -> path(p, checkout, javaHome));
      Map<String, String> env = new LinkedHashMap<>();
      node.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
      Map<String, Path> files = new LinkedHashMap<>();
      node.path("files")
          .fields()
          .forEachRemaining(
              e -> files.put(e.getKey(), path(e.getValue().asText(), checkout, javaHome)));
      entries.put(field.getKey(), new Entry(dockerfile, env, files));
    }
    return new ImageTable(entries);
  }

  private static Path path(String value, Path checkout, Path javaHome) {
    String expanded =
        value
            .replace("${java.home}", javaHome.toString())
            .replace("${checkout}", checkout.toString());
    Path p = Path.of(expanded);
    return p.isAbsolute() ? p : checkout.resolve(p);
  }

  /**
   * The repository of an image reference: {@code starling/node:0.1.0} and {@code
   * docker.io/starling/node@sha256:...} are both {@code starling/node}.
   */
  static String repository(String image) {
    String ref = image.strip();
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      ref = ref.substring(0, colon);
    }
    for (String prefix : List.of("docker.io/library/", "docker.io/", "localhost/")) {
      if (ref.startsWith(prefix)) {
        ref = ref.substring(prefix.length());
      }
    }
    return ref;
  }

  Resolution resolve(String image) {
    if (image == null || image.isBlank()) {
      return new NotFound("the container has no image");
    }
    String repository = repository(image);
    Entry entry = entries.get(repository);
    if (entry == null) {
      return new NotFound(
          "image "
              + image
              + " is not in the local image table: the process kubelet runs only "
              + String.join(", ", entries.keySet()));
    }
    Dockerfile dockerfile;
    if (entry.dockerfile().isPresent()) {
      Path file = entry.dockerfile().get();
      if (!Files.isRegularFile(file)) {
        return new NotFound("image " + image + ": its Dockerfile " + file + " does not exist");
      }
      try {
        dockerfile = Dockerfile.parse(Files.readString(file), entry.env());
      } catch (IOException | RuntimeException e) {
        return new NotFound("image " + image + ": cannot read " + file + ": " + e.getMessage());
      }
    } else {
      dockerfile = new Dockerfile(List.of(), List.of(), entry.env(), "/", List.of(), null);
    }
    List<LocalImage.ImageFile> files = new ArrayList<>();
    for (Map.Entry<String, Path> file : entry.files().entrySet()) {
      if (!Files.exists(file.getValue())) {
        return new NotFound(
            "image "
                + image
                + ": local file "
                + file.getValue()
                + " (its "
                + file.getKey()
                + ") does not exist; build it first");
      }
      files.add(new LocalImage.ImageFile(file.getValue(), file.getKey()));
    }
    Map<String, String> env = new LinkedHashMap<>(dockerfile.env());
    env.putIfAbsent("PATH", DEFAULT_PATH);
    return new Found(
        new LocalImage(
            image,
            dockerfile.entrypoint(),
            dockerfile.cmd(),
            java.util.Collections.unmodifiableMap(env),
            dockerfile.workdir(),
            dockerfile.volumes(),
            List.copyOf(files),
            dockerfile.user()));
  }
}
