package dev.starling.node.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads this process's memory from /proc (Linux); zero where unavailable. */
public final class ProcessMemory {
  private ProcessMemory() {}

  public static long residentBytes() {
    return statusField("VmRSS:");
  }

  public static long virtualBytes() {
    return statusField("VmSize:");
  }

  public static long totalMemoryBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return kilobytes(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }

  private static long statusField(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return kilobytes(line);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return 0;
  }

  private static long kilobytes(String line) {
    String[] parts = line.trim().split("\\s+");
    return Long.parseLong(parts[1]) * 1024;
  }
}
