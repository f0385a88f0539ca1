package dev.starling.node.storage;

import java.util.Arrays;

/** Byte-key helpers: big-endian id prefixes and concatenation. */
final class Keys {
  private Keys() {}

  static byte[] prefix(long id) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) id;
      id >>>= 8;
    }
    return b;
  }

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) {
      length += p.length;
    }
    byte[] out = new byte[length];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }

  /**
   * The smallest key greater than every key starting with {@code prefix}, or null if there is none.
   */
  static byte[] successor(byte[] prefix) {
    byte[] b = Arrays.copyOf(prefix, prefix.length);
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xFF) {
        b[i]++;
        return Arrays.copyOf(b, i + 1);
      }
    }
    return null;
  }

  static byte[] longLE(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }

  static long readLongLE(byte[] b) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[i] & 0xFF);
    }
    return v;
  }
}
