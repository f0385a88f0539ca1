package dev.starling.node.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class FailCommandPointTest {
  private final FailCommandPoint point = new FailCommandPoint();

  private static BsonDocument data(String json) {
    return BsonDocument.parse(json);
  }

  @Test
  void offAppliesToNothing() {
    assertThat(point.activate("insert", null)).isNull();
  }

  @Test
  void timesFailsTheNextMatchingCommandsOnlyAndCountsThem() {
    point.configure(
        BsonDocument.parse("{times: 2}"),
        data("{failCommands: ['insert'], errorCode: 91, errorLabels: ['RetryableWriteError']}"));
    assertThat(point.activate("find", null)).isNull();
    FailCommandPoint.Activation a = point.activate("insert", null);
    assertThat(a.error().getInt32("code").getValue()).isEqualTo(91);
    assertThat(a.error().getString("codeName").getValue()).isEqualTo("ShutdownInProgress");
    assertThat(a.error().getArray("errorLabels").get(0).asString().getValue())
        .isEqualTo("RetryableWriteError");
    assertThat(a.error().getDouble("ok").getValue()).isZero();
    assertThat(point.activate("insert", null)).isNotNull();
    assertThat(point.activate("insert", null)).isNull();
    assertThat(point.configure(new BsonString("off"), null)).isEqualTo(2);
  }

  @Test
  void skipLetsTheFirstMatchingCommandsThrough() {
    point.configure(
        BsonDocument.parse("{skip: 1}"), data("{failCommands: ['find'], closeConnection: true}"));
    assertThat(point.activate("find", null)).isNull();
    assertThat(point.activate("find", null).closeConnection()).isTrue();
    assertThat(point.activate("find", null).closeConnection()).isTrue();
  }

  @Test
  void appNameLimitsItToOneApplication() {
    point.configure(
        new BsonString("alwaysOn"),
        data("{failCommands: ['ping'], blockConnection: true, blockTimeMS: 50, appName: 'a'}"));
    assertThat(point.activate("ping", "b")).isNull();
    assertThat(point.activate("ping", null)).isNull();
    assertThat(point.activate("ping", "a").blockMillis()).isEqualTo(50);
  }

  @Test
  void aWriteConcernErrorIsCarriedAsGiven() {
    point.configure(
        new BsonString("alwaysOn"),
        data("{failCommands: ['insert'], writeConcernError: {code: 100, errmsg: 'x'}}"));
    FailCommandPoint.Activation a = point.activate("insert", null);
    assertThat(a.error()).isNull();
    assertThat(a.writeConcernError()).isEqualTo(BsonDocument.parse("{code: 100, errmsg: 'x'}"));
  }

  @Test
  void badSettingsAreRefusedAndLeaveThePointAsItWas() {
    assertThatThrownBy(() -> point.configure(new BsonString("sometimes"), data("{}")))
        .isInstanceOf(MongoServerException.class);
    assertThatThrownBy(() -> point.configure(new BsonString("alwaysOn"), data("{}")))
        .isInstanceOf(MongoServerException.class)
        .hasMessageContaining("failCommands");
    assertThatThrownBy(
            () ->
                point.configure(
                    new BsonString("alwaysOn"),
                    data("{failCommands: ['find'], blockConnection: true}")))
        .hasMessageContaining("blockTimeMS");
    assertThat(point.activate("find", null)).isNull();
  }
}
