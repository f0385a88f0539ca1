package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

  @TempDir Path dir;

  private String tail(String content, long lines) throws Exception {
    Path file = dir.resolve("log");
    Files.writeString(file, content);
    try (FileChannel ch = FileChannel.open(file)) {
      long offset = LogTail.offsetOfLastLines(ch, lines);
      return content.substring((int) offset);
    }
  }

  @Test
  void findsTheLastLines() throws Exception {
    assertThat(tail("a\nb\nc\n", 2)).isEqualTo("b\nc\n");
    assertThat(tail("a\nb\nc", 2)).isEqualTo("b\nc");
    assertThat(tail("a\nb\n", 5)).isEqualTo("a\nb\n");
    assertThat(tail("a\nb\n", 0)).isEmpty();
    assertThat(tail("", 3)).isEmpty();
  }

  @Test
  void worksAcrossReadChunks() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      big.append("line ").append(i).append('\n');
    }
    assertThat(tail(big.toString(), 3)).isEqualTo("line 4997\nline 4998\nline 4999\n");
  }
}
