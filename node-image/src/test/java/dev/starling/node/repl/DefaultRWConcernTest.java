package dev.starling.node.repl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.starling.node.repl.core.ReplSetConfig;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class DefaultRWConcernTest {
  private static final ReplSetConfig PSS =
      ReplSetConfig.parse(
          BsonDocument.parse(
              "{_id: 'rs', version: 1, members: [{_id: 0, host: 'a:1'}, {_id: 1, host: 'b:1'},"
                  + " {_id: 2, host: 'c:1'}]}"));
  private static final ReplSetConfig PSA =
      ReplSetConfig.parse(
          BsonDocument.parse(
              "{_id: 'rs', version: 1, members: [{_id: 0, host: 'a:1'}, {_id: 1, host: 'b:1'},"
                  + " {_id: 2, host: 'c:1', arbiterOnly: true}]}"));

  @Test
  void aConcernWithoutWTakesTheImplicitDefault() {
    assertThat(DefaultRWConcern.apply(new BsonDocument(), null, PSS))
        .isEqualTo(BsonDocument.parse("{w: 'majority', wtimeout: 0}"));
    assertThat(DefaultRWConcern.apply(new BsonDocument(), null, PSA))
        .isEqualTo(BsonDocument.parse("{w: 1, wtimeout: 0}"));
    assertThat(DefaultRWConcern.apply(BsonDocument.parse("{wtimeout: 5, j: true}"), null, PSS))
        .isEqualTo(BsonDocument.parse("{wtimeout: 5, j: true, w: 'majority'}"));
  }

  @Test
  void theClusterWideDefaultWinsOverTheImplicitOneAndAnExplicitWWinsOverBoth() {
    BsonDocument cwwc = BsonDocument.parse("{w: 2, wtimeout: 100}");
    assertThat(DefaultRWConcern.apply(new BsonDocument(), cwwc, PSA)).isEqualTo(cwwc);
    BsonDocument explicit = BsonDocument.parse("{w: 1}");
    assertThat(DefaultRWConcern.apply(explicit, cwwc, PSS)).isEqualTo(explicit);
  }
}
