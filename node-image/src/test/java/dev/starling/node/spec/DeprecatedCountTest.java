package dev.starling.node.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

/** The retryable-read rule the runner applies to the deprecated count helper, without a server. */
class DeprecatedCountTest {
  private static final ServerAddress SERVER = new ServerAddress("localhost", 27017);

  /** Attempts that fail with the given errors in turn, then answer "ok"; counts them. */
  private static final class Attempts implements Supplier<String> {
    private final Deque<RuntimeException> errors;
    int made;

    Attempts(RuntimeException... errors) {
      this.errors = new ArrayDeque<>(List.of(errors));
    }

    @Override
    public String get() {
      made++;
      RuntimeException next = errors.poll();
      if (next != null) {
        throw next;
      }
      return "ok";
    }
  }

  private static MongoCommandException server(int code) {
    return new MongoCommandException(
        new BsonDocument("ok", new BsonInt32(0))
            .append("code", new BsonInt32(code))
            .append("errmsg", new BsonString("failed")),
        SERVER);
  }

  private static MongoSocketReadException network() {
    return new MongoSocketReadException("Prematurely reached end of stream", SERVER);
  }

  @Test
  void aRetryableErrorIsFollowedByExactlyOneMoreAttempt() {
    Attempts afterNetwork = new Attempts(network());
    assertThat(DeprecatedCount.retryableRead(true, afterNetwork)).isEqualTo("ok");
    assertThat(afterNetwork.made).isEqualTo(2);

    Attempts afterNotPrimary = new Attempts(server(10107));
    assertThat(DeprecatedCount.retryableRead(true, afterNotPrimary)).isEqualTo("ok");
    assertThat(afterNotPrimary.made).isEqualTo(2);

    MongoCommandException second = server(10107);
    Attempts twice = new Attempts(server(10107), second);
    assertThatThrownBy(() -> DeprecatedCount.retryableRead(true, twice)).isSameAs(second);
    assertThat(twice.made).isEqualTo(2);
  }

  @Test
  void noRetryWhenRetryReadsIsOffOrTheErrorIsNotRetryable() {
    MongoSocketReadException error = network();
    Attempts off = new Attempts(error);
    assertThatThrownBy(() -> DeprecatedCount.retryableRead(false, off)).isSameAs(error);
    assertThat(off.made).isOne();

    MongoCommandException badValue = server(2);
    Attempts notRetryable = new Attempts(badValue);
    assertThatThrownBy(() -> DeprecatedCount.retryableRead(true, notRetryable)).isSameAs(badValue);
    assertThat(notRetryable.made).isOne();
  }

  @Test
  void aRetryThatSelectsNoServerRaisesTheFirstError() {
    MongoSocketReadException first = network();
    Attempts attempts = new Attempts(first, new MongoTimeoutException("no server"));
    assertThatThrownBy(() -> DeprecatedCount.retryableRead(true, attempts)).isSameAs(first);
    assertThat(attempts.made).isEqualTo(2);
  }

  @Test
  void theSpecsServerCodesAreRetryable() {
    for (int code :
        new int[] {262, 11600, 11602, 10107, 13435, 13436, 189, 134, 91, 7, 6, 89, 9001}) {
      assertThat(DeprecatedCount.retryable(server(code))).as("code %d", code).isTrue();
    }
    assertThat(DeprecatedCount.retryable(server(11000))).isFalse();
    assertThat(DeprecatedCount.retryable(new MongoTimeoutException("no server"))).isFalse();
  }
}
