package dev.starling.node.spec;

/**
 * Something a test file asks for that this runner does not implement. It fails the test with its
 * message and is never swallowed by {@code expectError} or {@code ignoreResultAndError}.
 */
final class Unsupported extends RuntimeException {
  Unsupported(String message) {
    super(message);
  }

  static Unsupported operation(String name) {
    return new Unsupported("unsupported operation: " + name);
  }

  static Unsupported argument(String name, String operation) {
    return new Unsupported("unsupported argument: " + name + " on " + operation);
  }
}
