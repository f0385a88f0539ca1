package dev.starling.e2e.kubelet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a Dockerfile that decide how a container runs: ENTRYPOINT, CMD, ENV, WORKDIR and
 * VOLUME of the final stage. The process kubelet reads them so a pod spec behaves the same here as
 * with the built image on a real cluster. Files (COPY, ADD) come from the image table instead.
 *
 * @param entrypoint empty when not set
 * @param cmd empty when not set
 * @param env in the order set, base environment first
 * @param workdir "/" when not set
 * @param user the USER ({@code name}, {@code uid} or {@code uid:gid}), null when not set
 */
record Dockerfile(
    List<String> entrypoint,
    List<String> cmd,
    Map<String, String> env,
    String workdir,
    List<String> volumes,
    String user) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Parses {@code text}; {@code baseEnv} stands for the base image's ENV (its values can be
   * referenced as {@code $VAR} and are part of the result).
   */
  static Dockerfile parse(String text, Map<String, String> baseEnv) {
    State state = new State(baseEnv);
    for (String line : logicalLines(text)) {
      int space = firstWhitespace(line);
      String instruction = (space < 0 ? line : line.substring(0, space)).toUpperCase();
      String rest = space < 0 ? "" : line.substring(space).strip();
      switch (instruction) {
        case "FROM" -> state = new State(baseEnv); // only the final stage runs
        case "ENV" -> state.env(rest);
        case "ENTRYPOINT" -> state.entrypoint = command(rest);
        case "CMD" -> state.cmd = command(rest);
        case "WORKDIR" -> state.workdir(state.substitute(rest));
        case "VOLUME" -> state.volumes.addAll(words(rest).stream().map(state::substitute).toList());
        case "USER" -> state.user = state.substitute(rest);
        default -> {
          // RUN, COPY, EXPOSE, LABEL, ARG, ...: nothing the process kubelet can use
        }
      }
    }
    return new Dockerfile(
        List.copyOf(state.entrypoint),
        List.copyOf(state.cmd),
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(state.env)),
        state.workdir,
        List.copyOf(state.volumes),
        state.user);
  }

  private static final class State {
    List<String> entrypoint = List.of();
    List<String> cmd = List.of();
    final LinkedHashMap<String, String> env;
    String workdir = "/";
    final List<String> volumes = new ArrayList<>();
    String user;

    State(Map<String, String> baseEnv) {
      env = new LinkedHashMap<>(baseEnv);
    }

    void workdir(String dir) {
      workdir = dir.startsWith("/") ? dir : (workdir.endsWith("/") ? workdir : workdir + "/") + dir;
    }

    /** {@code ENV a=1 b="two words"} or the legacy {@code ENV a one value}. */
    void env(String rest) {
      int eq = rest.indexOf('=');
      int space = firstWhitespace(rest);
      if (eq < 0 || (space >= 0 && space < eq)) {
        if (space < 0) {
          throw new IllegalArgumentException("ENV needs a value: " + rest);
        }
        env.put(rest.substring(0, space), substitute(rest.substring(space).strip()));
        return;
      }
      for (String pair : shellWords(rest)) {
        int at = pair.indexOf('=');
        if (at <= 0) {
          throw new IllegalArgumentException("ENV expects name=value, not: " + pair);
        }
        // All values of one ENV see the variables as they were before it, as in Docker.
        env.put(pair.substring(0, at), pair.substring(at + 1));
      }
    }

    /** Replaces {@code $VAR} and {@code ${VAR}} with values set so far (unset: empty). */
    String substitute(String value) {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\\' && i + 1 < value.length() && value.charAt(i + 1) == '$') {
          out.append('$');
          i++;
        } else if (c == '$' && i + 1 < value.length() && value.charAt(i + 1) == '{') {
          int end = value.indexOf('}', i);
          if (end < 0) {
            out.append(value, i, value.length());
            break;
          }
          String name = value.substring(i + 2, end);
          int colon = name.indexOf(":-");
          String fallback = colon < 0 ? "" : name.substring(colon + 2);
          String key = colon < 0 ? name : name.substring(0, colon);
          String found = env.get(key);
          out.append(found == null || found.isEmpty() ? fallback : found);
          i = end;
        } else if (c == '$'
            && i + 1 < value.length()
            && (Character.isLetter(value.charAt(i + 1)) || value.charAt(i + 1) == '_')) {
          int end = i + 1;
          while (end < value.length()
              && (Character.isLetterOrDigit(value.charAt(end)) || value.charAt(end) == '_')) {
            end++;
          }
          out.append(env.getOrDefault(value.substring(i + 1, end), ""));
          i = end - 1;
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }

    /** Splits {@code a=1 b="x y"} honouring quotes and backslashes, substituting variables. */
    List<String> shellWords(String text) {
      List<String> words = new ArrayList<>();
      StringBuilder word = new StringBuilder();
      boolean inWord = false;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c)) {
          if (inWord) {
            words.add(word.toString());
            word.setLength(0);
            inWord = false;
          }
        } else if (c == '"' || c == '\'') {
          inWord = true;
          int end = i + 1;
          StringBuilder quoted = new StringBuilder();
          while (end < text.length() && text.charAt(end) != c) {
            if (c == '"' && text.charAt(end) == '\\' && end + 1 < text.length()) {
              end++;
            }
            quoted.append(text.charAt(end));
            end++;
          }
          word.append(c == '"' ? substitute(quoted.toString()) : quoted);
          i = end;
        } else if (c == '\\' && i + 1 < text.length()) {
          inWord = true;
          word.append(text.charAt(++i));
        } else {
          inWord = true;
          int end = i;
          while (end < text.length()
              && !Character.isWhitespace(text.charAt(end))
              && text.charAt(end) != '"'
              && text.charAt(end) != '\'') {
            end++;
          }
          word.append(substitute(text.substring(i, end)));
          i = end - 1;
        }
      }
      if (inWord) {
        words.add(word.toString());
      }
      return words;
    }
  }

  /** The exec form (a JSON array) as is; the shell form runs under {@code /bin/sh -c}. */
  private static List<String> command(String rest) {
    if (rest.startsWith("[")) {
      try {
        return JSON.readValue(rest, new TypeReference<List<String>>() {});
      } catch (JsonProcessingException e) {
        // Docker treats an array that is not valid JSON as the shell form.
      }
    }
    return rest.isEmpty() ? List.of() : List.of("/bin/sh", "-c", rest);
  }

  private static List<String> words(String rest) {
    if (rest.startsWith("[")) {
      try {
        return JSON.readValue(rest, new TypeReference<List<String>>() {});
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("not a JSON array: " + rest, e);
      }
    }
    return List.of(rest.split("\\s+"));
  }

  /** Joins continuation lines (ending in a backslash) and drops comments and blank lines. */
  static List<String> logicalLines(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : text.split("\r?\n", -1)) {
      String stripped = raw.strip();
      if (stripped.startsWith("#")) {
        continue; // comments may sit between continuation lines too
      }
      if (stripped.endsWith("\\")) {
        current.append(stripped, 0, stripped.length() - 1).append(' ');
        continue;
      }
      current.append(stripped);
      String line = current.toString().strip();
      current.setLength(0);
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    String last = current.toString().strip();
    if (!last.isEmpty()) {
      lines.add(last);
    }
    return lines;
  }

  private static int firstWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
