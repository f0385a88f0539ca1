package dev.starling.node.util;

/** Starling's own version, from the jar manifest. */
public final class Version {
  public static final String STARLING = detect();

  private Version() {}

  private static String detect() {
    String v = Version.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0-SNAPSHOT";
  }
}
