package dev.starling.e2e.kubelet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/** Where the last N lines of a log file start, found by reading backwards from its end. */
final class LogTail {

  private static final int CHUNK = 8192;

  private LogTail() {}

  /**
   * The offset of the first of the last {@code lines} lines; 0 when the file has fewer. A final
   * line without a newline counts as a line; the newline ending the file does not start one.
   */
  static long offsetOfLastLines(SeekableByteChannel channel, long lines) throws IOException {
    long size = channel.size();
    if (lines <= 0) {
      return size;
    }
    long pos = size;
    long newlines = 0;
    boolean first = true;
    ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
    while (pos > 0) {
      int len = (int) Math.min(CHUNK, pos);
      pos -= len;
      buffer.clear().limit(len);
      channel.position(pos);
      while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
        // fill
      }
      for (int i = len - 1; i >= 0; i--) {
        if (buffer.get(i) == '\n') {
          if (first && pos + i == size - 1) {
            first = false;
            continue; // the file's final newline ends the last line
          }
          newlines++;
          if (newlines == lines) {
            return pos + i + 1;
          }
        }
        first = false;
      }
    }
    return 0;
  }
}
