package dev.starling.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.TableLib;

/**
 * Runs the Argo CD health check of manifests/argocd/argocd-cm.yaml as Argo CD does: the resource as
 * the global {@code obj}, converted from JSON the way Argo CD's {@code decodeValue} does, with only
 * the libraries Argo CD opens for a ConfigMap script (base, package, table; its "safe" os is left
 * out, and the script uses none of it). luaj is Lua 5.2 and Argo CD's gopher-lua is 5.1: the script
 * keeps to what both run.
 */
class ArgoCdHealthTest {
  static final Path CONFIG_MAP = Path.of("..", "manifests", "argocd", "argocd-cm.yaml");
  static final String KEY = "resource.customizations.health.starling.dev_ReplicaSet";
  static final List<String> ARGO_STATUSES =
      List.of("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown");

  static String script;

  @BeforeAll
  static void load() throws Exception {
    JsonNode cm = new ObjectMapper(new YAMLFactory()).readTree(CONFIG_MAP.toFile());
    script = cm.path("data").path(KEY).asText();
    assertThat(script).as("%s in %s", KEY, CONFIG_MAP).isNotBlank();
  }

  /** The health Argo CD would show: {@code {status, message}} as Java strings. */
  record Health(String status, String message) {}

  static Health health(Map<String, Object> obj) {
    Globals globals = new Globals();
    globals.load(new BaseLib());
    globals.load(new PackageLib());
    globals.load(new TableLib());
    LoadState.install(globals);
    LuaC.install(globals);
    globals.set("obj", toLua(obj));
    LuaValue result = globals.load(script, "health.lua").call();
    assertThat(result.istable()).as("the script returns a table").isTrue();
    LuaValue message = result.get("message");
    return new Health(
        result.get("status").tojstring(), message.isnil() ? null : message.tojstring());
  }

  /**
   * JSON as Argo CD gives it to Lua: objects are tables with string keys, arrays tables from 1, and
   * every number a float64 (Lua 5.1 has no integers).
   */
  static LuaValue toLua(Object value) {
    if (value == null) {
      return LuaValue.NIL;
    } else if (value instanceof Map<?, ?> map) {
      LuaTable table = new LuaTable();
      map.forEach((k, v) -> table.rawset(LuaValue.valueOf((String) k), toLua(v)));
      return table;
    } else if (value instanceof List<?> list) {
      LuaTable table = new LuaTable();
      for (int i = 0; i < list.size(); i++) {
        table.rawset(i + 1, toLua(list.get(i)));
      }
      return table;
    } else if (value instanceof Number n) {
      return LuaValue.valueOf(n.doubleValue());
    } else if (value instanceof Boolean b) {
      return LuaValue.valueOf(b);
    } else if (value instanceof String s) {
      return LuaValue.valueOf(s);
    }
    throw new IllegalArgumentException("not JSON: " + value.getClass());
  }

  /** A metav1.Condition as the operator writes it. */
  static Map<String, Object> condition(
      String type, String status, String reason, String message, long observedGeneration) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("status", status);
    c.put("reason", reason);
    c.put("message", message);
    c.put("observedGeneration", observedGeneration);
    c.put("lastTransitionTime", "2025-01-01T00:00:00Z");
    return c;
  }

  static Map<String, Object> condition(String type, String status, String reason, String message) {
    return condition(type, status, reason, message, 12L);
  }

  static Map<String, Object> idle(String type) {
    return condition(type, "False", "Idle", "");
  }

  /**
   * A starling.dev/ReplicaSet at generation 12, with no status unless {@code hasStatus}, else with
   * its observedGeneration (null to leave it out) and conditions (null to leave them out).
   */
  static Map<String, Object> resource(
      boolean paused, boolean hasStatus, Long observedGeneration, List<Map<String, Object>> conds) {
    Map<String, Object> obj = new LinkedHashMap<>();
    obj.put("apiVersion", "starling.dev/v1alpha1");
    obj.put("kind", "ReplicaSet");
    obj.put(
        "metadata",
        new LinkedHashMap<>(Map.of("name", "rs", "namespace", "db", "generation", 12L)));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("members", 3);
    spec.put("paused", paused);
    obj.put("spec", spec);
    if (hasStatus) {
      Map<String, Object> status = new LinkedHashMap<>();
      if (observedGeneration != null) {
        status.put("observedGeneration", observedGeneration);
      }
      status.put("phase", "Running");
      status.put("replicas", 3);
      status.put("readyReplicas", 3);
      if (conds != null) {
        status.put("conditions", new ArrayList<>(conds));
      }
      obj.put("status", status);
    }
    return obj;
  }

  @SafeVarargs
  static Map<String, Object> withStatus(Long observedGeneration, Map<String, Object>... conds) {
    return resource(false, true, observedGeneration, List.of(conds));
  }

  static Arguments row(String name, Map<String, Object> obj, String status, String message) {
    return Arguments.of(name, obj, status, message);
  }

  static Stream<Arguments> cases() {
    String paused = "spec.paused is true: the operator observes and acts on nothing";
    return Stream.of(
        row(
            "no status yet",
            resource(false, false, null, null),
            "Progressing",
            "Waiting for the operator"),
        row(
            "a status without conditions",
            resource(false, true, 12L, null),
            "Progressing",
            "Waiting for the operator"),
        row(
            "observedGeneration behind generation",
            withStatus(
                11L,
                condition("Ready", "True", "AllMembersHealthy", "3 of 3 members healthy", 11),
                idle("Reconciling"),
                idle("Stalled")),
            "Progressing",
            "The operator has not seen the latest change yet"),
        row(
            "Stalled=True",
            withStatus(
                12L,
                condition("Ready", "False", "InvalidSpec", "spec.members must be odd"),
                idle("Reconciling"),
                condition("Stalled", "True", "InvalidSpec", "spec.members must be odd")),
            "Degraded",
            "spec.members must be odd"),
        row(
            "Stalled=True with an empty message: its reason",
            withStatus(
                12L,
                condition("Ready", "False", "InvalidSpec", ""),
                idle("Reconciling"),
                condition("Stalled", "True", "InvalidSpec", "")),
            "Degraded",
            "InvalidSpec"),
        row(
            "Reconciling=True (no observedGeneration yet)",
            withStatus(
                null,
                condition("Ready", "False", "AddMember", "add rs-2 as a voter"),
                condition("Reconciling", "True", "AddMember", "add rs-2 as a voter"),
                idle("Stalled")),
            "Progressing",
            "add rs-2 as a voter"),
        row(
            "Reconciling=True in sync",
            withStatus(
                12L,
                condition("Ready", "False", "ActionFailed", "rs-0 unreachable"),
                condition("Reconciling", "True", "ActionFailed", "rs-0 unreachable"),
                idle("Stalled")),
            "Progressing",
            "rs-0 unreachable"),
        row(
            "spec.paused and in sync",
            resource(
                true,
                true,
                12L,
                List.of(
                    condition("Ready", "False", "Paused", paused),
                    condition("Reconciling", "False", "Paused", paused),
                    idle("Stalled"))),
            "Suspended",
            "Paused: the operator observes and acts on nothing"),
        row(
            "spec.paused but not yet seen by the operator",
            resource(
                true,
                true,
                11L,
                List.of(
                    condition("Ready", "True", "AllMembersHealthy", "3 of 3", 11),
                    idle("Reconciling"),
                    idle("Stalled"))),
            "Progressing",
            "The operator has not seen the latest change yet"),
        row(
            "Ready=True and nothing else",
            withStatus(
                12L,
                condition(
                    "Ready", "True", "AllMembersHealthy", "3 of 3 members healthy, primary rs-0"),
                idle("Reconciling"),
                idle("Stalled")),
            "Healthy",
            "3 of 3 members healthy, primary rs-0"),
        row(
            "Ready=True alone",
            withStatus(12L, condition("Ready", "True", "AllMembersHealthy", "3 of 3")),
            "Healthy",
            "3 of 3"),
        row(
            "Ready=False, neither reconciling nor stalled",
            withStatus(
                12L,
                condition("Ready", "False", "MembersUnhealthy", "not healthy: rs-1 (unreachable)"),
                idle("Reconciling"),
                idle("Stalled")),
            "Degraded",
            "not healthy: rs-1 (unreachable)"));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("cases")
  void reportsTheHealthArgoCdUsersExpect(
      String name, Map<String, Object> obj, String status, String message) {
    Health health = health(obj);
    assertThat(health.status()).isIn(ARGO_STATUSES).isEqualTo(status);
    assertThat(health.message()).isEqualTo(message);
  }

  @Test
  void readsConditionsInAnyOrder() {
    Health health =
        health(
            withStatus(
                12L,
                idle("Stalled"),
                condition("Reconciling", "True", "StepDown", "step down rs-0"),
                condition("Ready", "False", "StepDown", "step down rs-0")));
    assertThat(health).isEqualTo(new Health("Progressing", "step down rs-0"));
  }
}
