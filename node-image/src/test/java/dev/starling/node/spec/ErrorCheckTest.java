package dev.starling.node.spec;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.ServerAddress;
import com.mongodb.bulk.BulkWriteInsert;
import com.mongodb.bulk.BulkWriteResult;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;

/** {@code expectError.expectResult}: the result an error carries, checked without a server. */
class ErrorCheckTest {
  private static final ServerAddress SERVER = new ServerAddress("localhost", 27017);
  private final ValueMatcher matcher = new ValueMatcher(ValueMatcher.NO_ENTITIES);

  private void verify(String expectError, Throwable error) {
    ErrorCheck.verify(BsonDocument.parse(expectError), error, matcher);
  }

  private static MongoBulkWriteException bulk(int inserted) {
    BulkWriteResult result =
        BulkWriteResult.acknowledged(
            inserted,
            0,
            0,
            0,
            List.of(),
            inserted == 0 ? List.of() : List.of(new BulkWriteInsert(0, new BsonInt32(2))));
    return new MongoBulkWriteException(result, List.of(), null, SERVER, Set.of());
  }

  @Test
  void aBulkWriteErrorsPartialResultIsMatched() {
    String one =
        "{isError: true, expectResult: {deletedCount: 0, insertedCount: 1, insertedIds:"
            + " {$$unsetOrMatches: {'0': 2}}, matchedCount: 0, modifiedCount: 0,"
            + " upsertedCount: 0, upsertedIds: {}}}";
    assertThatCode(() -> verify(one, bulk(1))).doesNotThrowAnyException();
    assertThatThrownBy(() -> verify(one, bulk(0)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("insertedCount");
  }

  @Test
  void anErrorWithoutAResultFailsUnlessTheResultMayBeUnset() {
    MongoSocketReadException network =
        new MongoSocketReadException("Prematurely reached end of stream", SERVER);
    assertThatThrownBy(() -> verify("{isError: true, expectResult: {insertedCount: 0}}", network))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("carries no result");
    assertThatCode(
            () ->
                verify(
                    "{isError: true, expectResult: {$$unsetOrMatches: {insertedCount: 0}}}",
                    network))
        .doesNotThrowAnyException();
  }
}
