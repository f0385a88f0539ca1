package dev.starling.node.util;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.Predicate;

/** Lazy iterator combinators for scans and query results. */
public final class Iterators {
  private Iterators() {}

  public static <T> Iterator<T> filter(Iterator<T> source, Predicate<T> keep) {
    return new Iterator<>() {
      private T next;
      private boolean ready;

      @Override
      public boolean hasNext() {
        while (!ready && source.hasNext()) {
          T candidate = source.next();
          if (keep.test(candidate)) {
            next = candidate;
            ready = true;
          }
        }
        return ready;
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        ready = false;
        T out = next;
        next = null;
        return out;
      }
    };
  }

  public static <T, R> Iterator<R> map(Iterator<T> source, Function<T, R> mapper) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public R next() {
        return mapper.apply(source.next());
      }
    };
  }

  /** The elements of each iterator in turn. */
  public static <T> Iterator<T> concat(Iterator<Iterator<T>> parts) {
    return new Iterator<>() {
      private Iterator<T> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && parts.hasNext()) {
          current = parts.next();
        }
        return current.hasNext();
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** Skips {@code skip} elements, then yields at most {@code limit} (0: unlimited). */
  public static <T> Iterator<T> slice(Iterator<T> source, long skip, long limit) {
    return new Iterator<>() {
      private long skipped;
      private long returned;

      @Override
      public boolean hasNext() {
        while (skipped < skip && source.hasNext()) {
          source.next();
          skipped++;
        }
        return (limit <= 0 || returned < limit) && source.hasNext();
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        returned++;
        return source.next();
      }
    };
  }
}
