package dev.starling.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class ExhaustCursorTest {
  private static final BsonDocument GET_MORE =
      BsonDocument.parse("{getMore: {$numberLong: '42'}, collection: 'c', $db: 'test'}");

  private static Request getMore(boolean exhaustAllowed) {
    return new Request(5, OpCode.OP_MSG, "test", GET_MORE, false, exhaustAllowed);
  }

  private static BsonDocument batch(long cursorId) {
    return BsonDocument.parse(
        "{cursor: {id: {$numberLong: '"
            + cursorId
            + "'}, ns: 'test.c', nextBatch: [{_id: 1}]}, ok: 1}");
  }

  @Test
  void anExhaustGetMoreIsAnsweredAgainWhileTheCursorIsOpen() {
    assertThat(ExhaustCursor.nextRequest(getMore(true), batch(42))).isEqualTo(GET_MORE);
  }

  @Test
  void theStreamEndsWithTheCursorOrAnError() {
    assertThat(ExhaustCursor.nextRequest(getMore(true), batch(0))).isNull();
    assertThat(
            ExhaustCursor.nextRequest(
                getMore(true), BsonDocument.parse("{ok: 0, code: 43, errmsg: 'gone'}")))
        .isNull();
  }

  @Test
  void anEmptyBatchFromAnOpenTailableCursorEndsTheStreamInsteadOfSpinning() {
    BsonDocument empty =
        BsonDocument.parse(
            "{cursor: {id: {$numberLong: '42'}, ns: 'test.c', nextBatch: []}, ok: 1}");
    assertThat(ExhaustCursor.nextRequest(getMore(true), empty)).isNull();
  }

  @Test
  void withoutTheFlagOrForAnotherCommandThereIsOneReply() {
    assertThat(ExhaustCursor.nextRequest(getMore(false), batch(42))).isNull();
    Request find =
        new Request(
            5, OpCode.OP_MSG, "test", BsonDocument.parse("{find: 'c', $db: 'test'}"), false, true);
    assertThat(ExhaustCursor.nextRequest(find, batch(42))).isNull();
  }
}
