package dev.starling.e2e.kubelet;

import java.util.function.Function;

/**
 * Kubernetes' {@code $(VAR)} syntax in env values, command and args: {@code $(NAME)} becomes the
 * variable's value, {@code $$} a literal {@code $}, and a reference to an undefined variable (or an
 * unclosed {@code $(}) stays as written.
 */
final class EnvExpansion {

  private EnvExpansion() {}

  /** {@code lookup} returns null for an undefined variable. */
  static String expand(String input, Function<String, String> lookup) {
    if (input == null || input.indexOf('$') < 0) {
      return input;
    }
    StringBuilder out = new StringBuilder(input.length());
    int i = 0;
    while (i < input.length()) {
      char c = input.charAt(i);
      if (c != '$' || i + 1 == input.length()) {
        out.append(c);
        i++;
        continue;
      }
      char next = input.charAt(i + 1);
      if (next == '$') {
        out.append('$');
        i += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', i + 2);
        if (close < 0) {
          out.append("$(");
          i += 2;
        } else {
          String name = input.substring(i + 2, close);
          String value = lookup.apply(name);
          out.append(value != null ? value : "$(" + name + ")");
          i = close + 1;
        }
      } else {
        out.append('$').append(next);
        i += 2;
      }
    }
    return out.toString();
  }
}
