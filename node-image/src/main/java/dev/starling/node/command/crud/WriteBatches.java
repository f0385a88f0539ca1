package dev.starling.node.command.crud;

import dev.starling.node.error.ErrorCode;
import dev.starling.node.error.MongoServerException;
import dev.starling.node.wire.WireLimits;

/** Limits shared by the write commands. */
final class WriteBatches {
  private WriteBatches() {}

  static void checkBatchSize(int size) {
    if (size == 0) {
      throw new MongoServerException(
          ErrorCode.INVALID_LENGTH,
          "Write batch sizes must be between 1 and "
              + WireLimits.MAX_WRITE_BATCH_SIZE
              + ". Got 0 operations.");
    }
    if (size > WireLimits.MAX_WRITE_BATCH_SIZE) {
      throw new MongoServerException(
          ErrorCode.INVALID_LENGTH,
          "Write batch sizes must be between 1 and "
              + WireLimits.MAX_WRITE_BATCH_SIZE
              + ". Got "
              + size
              + " operations.");
    }
  }
}
