package dev.starling.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.starling.node.error.MongoServerException;
import java.nio.file.Path;
import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;

/** RocksStorageEngine passes the storage contract; index key extraction, which it uses. */
class RocksStorageEngineTest extends StorageEngineContractTest {
  @Override
  protected StorageEngine open(Path dir, WriteObserver observer) {
    return RocksStorageEngine.open(dir, observer);
  }

  @Test
  void arrayElementsWithoutTheFieldIndexAsNull() {
    assertThat(IndexKeys.extract(json("{a: [{b: 1}, {c: 1}]}"), json("{'a.b': 1}")))
        .extracting(t -> t[0])
        .containsExactlyInAnyOrder(new BsonInt32(1), org.bson.BsonNull.VALUE);
  }

  @Test
  void fieldsUnderOneArrayMayShareACompoundIndexButTwoArraysMayNot() {
    assertThat(
            IndexKeys.extract(
                json("{items: [{sku: 1, qty: 2}, {sku: 3, qty: 4}]}"),
                json("{'items.sku': 1, 'items.qty': 1}")))
        .hasSize(4);
    assertThatThrownBy(
            () -> IndexKeys.extract(json("{a: [1, 2], b: [3, 4]}"), json("{a: 1, b: 1}")))
        .isInstanceOfSatisfying(
            MongoServerException.class, e -> assertThat(e.code()).isEqualTo(171));
  }
}
