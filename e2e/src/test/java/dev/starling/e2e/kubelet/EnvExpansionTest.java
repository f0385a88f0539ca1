package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvExpansionTest {

  private static final Map<String, String> ENV = Map.of("A", "1", "NAME", "web", "EMPTY", "");

  private static String expand(String s) {
    return EnvExpansion.expand(s, ENV::get);
  }

  @Test
  void replacesDefinedReferences() {
    assertThat(expand("$(NAME)-$(A)")).isEqualTo("web-1");
    assertThat(expand("x$(EMPTY)y")).isEqualTo("xy");
  }

  @Test
  void keepsUndefinedReferencesAsWritten() {
    assertThat(expand("$(MISSING) and $(A)")).isEqualTo("$(MISSING) and 1");
  }

  @Test
  void doubleDollarEscapes() {
    assertThat(expand("$$(A)")).isEqualTo("$(A)");
    assertThat(expand("$$$(A)")).isEqualTo("$1");
  }

  @Test
  void leavesOtherDollarsAlone() {
    assertThat(expand("$A ${A} $")).isEqualTo("$A ${A} $");
    assertThat(expand("$(unclosed")).isEqualTo("$(unclosed");
  }
}
