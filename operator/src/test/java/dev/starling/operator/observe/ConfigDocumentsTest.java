package dev.starling.operator.observe;

import static dev.starling.operator.observe.NodeReplies.config;
import static dev.starling.operator.observe.NodeReplies.configMember;
import static dev.starling.operator.observe.NodeReplies.host;
import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.operator.plan.ConfigMember;
import dev.starling.operator.plan.ConfigSettings;
import dev.starling.operator.plan.ReplSetConfig;
import java.util.List;
import java.util.Map;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.junit.jupiter.api.Test;

class ConfigDocumentsTest {
  @Test
  void aConfigDocumentIsReadWithEverySettingThePlannerManages() {
    BsonDocument doc =
        config(
            7,
            3,
            List.of(
                configMember(0, host(0)),
                configMember(1, host(1))
                    .append("tags", new BsonDocument("dc", new org.bson.BsonString("east"))),
                configMember(2, host(2))
                    .append("priority", new org.bson.BsonDouble(0))
                    .append("hidden", BsonBoolean.TRUE)
                    .append("secondaryDelaySecs", new org.bson.BsonInt64(3600))));
    doc.getDocument("settings")
        .put(
            "getLastErrorModes",
            new BsonDocument("twoDCs", new BsonDocument("dc", new BsonInt32(2))));

    ReplSetConfig c = ConfigDocuments.parse(doc);

    assertThat(c.name()).isEqualTo("orders");
    assertThat(c.version()).isEqualTo(7);
    assertThat(c.term()).isEqualTo(3);
    assertThat(c.settings()).isEqualTo(ConfigSettings.DEFAULT);
    assertThat(c.writeConcernModes()).isEqualTo(Map.of("twoDCs", Map.of("dc", 2)));
    assertThat(c.members())
        .containsExactly(
            ConfigMember.of(0, host(0)),
            new ConfigMember(1, host(1), false, 1, 1, false, 0, Map.of("dc", "east"), false),
            new ConfigMember(2, host(2), false, 0, 1, true, 3600, Map.of(), false));
  }

  @Test
  void aPlannedConfigIsWrittenOntoTheDocumentReadKeepingWhatThePlannerDoesNotManage() {
    BsonDocument current =
        config(
            5,
            2,
            List.of(
                configMember(0, host(0)),
                configMember(1, host(1)),
                configMember(2, host(2)).append("newlyAdded", BsonBoolean.TRUE)));
    current.getArray("members").get(1).asDocument().put("buildIndexes", BsonBoolean.FALSE);
    ReplSetConfig planned =
        ConfigDocuments.parse(current)
            .with(ConfigMember.of(3, host(3)))
            .with(new ConfigMember(1, host(1), false, 0, 1, true, 0, Map.of("dc", "west"), false))
            .withSettings(new ConfigSettings(2000, 1000, false, 5000), Map.of())
            .nextVersion();

    BsonDocument sent = ConfigDocuments.render(planned, current);

    assertThat(sent.containsKey("term")).as("the primary stamps its own term").isFalse();
    assertThat(sent.getInt32("version").getValue()).isEqualTo(6);
    assertThat(sent.getDocument("settings").get("replicaSetId"))
        .isEqualTo(new BsonObjectId(NodeReplies.REPLICA_SET_ID));
    assertThat(sent.getDocument("settings").getInt64("electionTimeoutMillis").getValue())
        .isEqualTo(2000);
    assertThat(sent.getDocument("settings").getBoolean("chainingAllowed").getValue()).isFalse();
    assertThat(sent.getDocument("settings").getInt32("heartbeatTimeoutSecs").getValue())
        .isEqualTo(10);
    assertThat(sent.getArray("members")).hasSize(4);
    BsonDocument one = sent.getArray("members").get(1).asDocument();
    assertThat(one.getBoolean("buildIndexes").getValue()).isFalse();
    assertThat(one.getBoolean("hidden").getValue()).isTrue();
    assertThat(one.getDouble("priority").getValue()).isZero();
    assertThat(one.getDocument("tags").getString("dc").getValue()).isEqualTo("west");
    assertThat(sent.getArray("members").get(2).asDocument().containsKey("newlyAdded"))
        .as("a reconfig may not set newlyAdded; the primary keeps its marks")
        .isFalse();
    assertThat(current.getInt32("version").getValue())
        .as("the document read is unchanged")
        .isEqualTo(5);
    assertThat(ConfigDocuments.parse(sent).members())
        .isEqualTo(
            planned.members().stream()
                .map(
                    m ->
                        new ConfigMember(
                            m.id(),
                            m.host(),
                            m.arbiterOnly(),
                            m.priority(),
                            m.votes(),
                            m.hidden(),
                            m.secondaryDelaySecs(),
                            m.tags(),
                            false))
                .toList());
  }

  @Test
  void anInitiateConfigIsWrittenFromNothing() {
    ReplSetConfig first =
        new ReplSetConfig(
            "orders",
            1,
            0,
            List.of(ConfigMember.of(0, host(0)), ConfigMember.arbiter(50, host(50))),
            ConfigSettings.DEFAULT,
            Map.of());

    BsonDocument doc = ConfigDocuments.render(first, null);

    assertThat(doc.getString("_id").getValue()).isEqualTo("orders");
    assertThat(doc.getInt32("version").getValue()).isEqualTo(1);
    assertThat(doc.getArray("members").get(1).asDocument().getBoolean("arbiterOnly").getValue())
        .isTrue();
    assertThat(ConfigDocuments.parse(doc).members()).isEqualTo(first.members());
  }
}
