package dev.starling.node.command.repl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplSetResizeOplogCommandTest {
  @Test
  void doublesPrintAsMongodPrintsThemInItsBoundsErrors() {
    assertThat(ReplSetResizeOplogCommand.cppDouble(990)).isEqualTo("990");
    assertThat(ReplSetResizeOplogCommand.cppDouble(900)).isEqualTo("900");
    assertThat(ReplSetResizeOplogCommand.cppDouble(-1)).isEqualTo("-1");
    assertThat(ReplSetResizeOplogCommand.cppDouble(0.5)).isEqualTo("0.5");
    assertThat(ReplSetResizeOplogCommand.cppDouble(1024.0 * 1024 * 1024)).isEqualTo("1.07374e+09");
    assertThat(ReplSetResizeOplogCommand.cppDouble(8796093022208.0)).isEqualTo("8.79609e+12");
  }
}
