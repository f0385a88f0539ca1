package dev.starling.e2e.local;

/** A failure of a starling-local command, carrying the one line that tells what failed and why. */
final class LocalException extends RuntimeException {
  LocalException(String message) {
    super(message);
  }

  LocalException(String message, Throwable cause) {
    super(message, cause);
  }
}
