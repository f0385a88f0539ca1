package dev.starling.e2e.kubelet;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The kubelet's restart back-off, per key (a container of a pod): the first restart is at once, the
 * next waits {@code initial} after it, then twice as long each time up to {@code max}. An entry
 * untouched for {@code 2 * max} is forgotten, so a container that ran 10 minutes (with the default
 * 5 minute cap) starts over at {@code initial}. Time is a parameter; nothing here reads a clock.
 */
final class BackOff {

  static final Duration INITIAL = Duration.ofSeconds(10);
  static final Duration MAX = Duration.ofMinutes(5);

  private record Entry(Duration delay, Instant lastUpdate) {}

  private final Duration initial;
  private final Duration max;
  private final Map<String, Entry> entries = new HashMap<>();

  BackOff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  static BackOff kubeletDefault() {
    return new BackOff(INITIAL, MAX);
  }

  /** True while a restart of {@code key} must wait. */
  synchronized boolean inBackOff(String key, Instant now) {
    Entry e = live(key, now);
    return e != null && now.isBefore(e.lastUpdate().plus(e.delay()));
  }

  /** When {@code key} may restart next; {@code now} when it may already. */
  synchronized Instant readyAt(String key, Instant now) {
    Entry e = live(key, now);
    if (e == null) {
      return now;
    }
    Instant at = e.lastUpdate().plus(e.delay());
    return at.isAfter(now) ? at : now;
  }

  /** The wait the current back-off imposes (what the kubelet's CrashLoopBackOff message shows). */
  synchronized Duration delay(String key, Instant now) {
    Entry e = live(key, now);
    return e == null ? Duration.ZERO : e.delay();
  }

  /** Records a restart at {@code now}: the next one waits longer. */
  synchronized void next(String key, Instant now) {
    Entry e = live(key, now);
    Duration delay = e == null ? initial : min(e.delay().multipliedBy(2), max);
    entries.put(key, new Entry(delay, now));
  }

  synchronized void forget(String key) {
    entries.remove(key);
  }

  /** Forgets every key that starts with {@code prefix} (a pod's uid). */
  synchronized void forgetPrefix(String prefix) {
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private Entry live(String key, Instant now) {
    Entry e = entries.get(key);
    if (e != null && Duration.between(e.lastUpdate(), now).compareTo(max.multipliedBy(2)) > 0) {
      entries.remove(key);
      return null;
    }
    return e;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
