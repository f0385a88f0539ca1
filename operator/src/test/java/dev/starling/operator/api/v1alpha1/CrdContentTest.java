package dev.starling.operator.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What kubectl, the scale subresource and the API server's validation rely on in the CRD. */
class CrdContentTest {
  static JsonNode crd;
  static JsonNode version;
  static JsonNode spec;

  @BeforeAll
  static void generate() throws Exception {
    crd = new ObjectMapper(new YAMLFactory()).readTree(CrdUpToDateTest.generate());
    version = crd.at("/spec/versions/0");
    spec = version.at("/schema/openAPIV3Schema/properties/spec");
  }

  static List<String> rules(JsonNode schema) {
    List<String> rules = new ArrayList<>();
    schema.path("x-kubernetes-validations").forEach(r -> rules.add(r.get("rule").asText()));
    return rules;
  }

  @Test
  void namesTheResourceAsTheContractSays() {
    assertThat(crd.at("/metadata/name").asText()).isEqualTo("replicasets.starling.dev");
    assertThat(crd.at("/spec/group").asText()).isEqualTo("starling.dev");
    assertThat(crd.at("/spec/scope").asText()).isEqualTo("Namespaced");
    assertThat(crd.at("/spec/names/kind").asText()).isEqualTo("ReplicaSet");
    assertThat(crd.at("/spec/names/shortNames/0").asText()).isEqualTo("srs");
    assertThat(crd.at("/spec/names/categories/0").asText()).isEqualTo("starling");
    assertThat(version.get("name").asText()).isEqualTo("v1alpha1");
  }

  @Test
  void scalesThroughSpecMembers() {
    JsonNode scale = version.at("/subresources/scale");
    assertThat(scale.get("specReplicasPath").asText()).isEqualTo(".spec.members");
    assertThat(scale.get("statusReplicasPath").asText()).isEqualTo(".status.replicas");
    assertThat(scale.get("labelSelectorPath").asText()).isEqualTo(".status.selector");
    assertThat(version.at("/subresources/status").isObject()).isTrue();
  }

  @Test
  void printsPhaseMembersReadyPrimaryAndAge() {
    List<String> columns = new ArrayList<>();
    version.get("additionalPrinterColumns").forEach(c -> columns.add(c.get("name").asText()));
    assertThat(columns).contains("Phase", "Members", "Ready", "Primary", "Age");
  }

  @Test
  void boundsWhatCelIteratesOver() {
    assertThat(spec.at("/properties/memberConfig/maxItems").asInt()).isEqualTo(50);
    assertThat(spec.at("/properties/memberConfig/items/properties/tags/maxProperties").asInt())
        .isPositive();
    assertThat(spec.at("/properties/members/minimum").asInt()).isEqualTo(1);
    assertThat(spec.at("/properties/members/maximum").asInt()).isEqualTo(50);
    assertThat(spec.at("/properties/arbiters/maximum").asInt()).isEqualTo(1);
    assertThat(spec.at("/properties/oplogSizeMB/minimum").asInt()).isEqualTo(990);
    assertThat(spec.at("/properties/memberConfig/items/properties/votes/maximum").asInt())
        .isEqualTo(1);
    assertThat(spec.at("/properties/memberConfig/items/properties/priority/maximum").asInt())
        .isEqualTo(1000);
    assertThat(spec.at("/properties/updateStrategy/properties/type/enum").toString())
        .isEqualTo("[\"Automatic\",\"Supervised\"]");
  }

  @Test
  void carriesTheCelRules() {
    assertThat(rules(spec))
        .hasSize(7)
        .anyMatch(r -> r.contains("<= 7"))
        .anyMatch(r -> r.contains("m.member < self.members"))
        .anyMatch(r -> r.contains("self.preferredPrimary < self.members"));
    assertThat(rules(spec.at("/properties/memberConfig")))
        .containsExactly("self.all(a, self.exists_one(b, b.member == a.member))");
    assertThat(rules(spec.at("/properties/memberConfig/items"))).hasSize(2);
    assertThat(rules(spec.at("/properties/storage")))
        .allMatch(r -> r.contains("oldSelf"))
        .hasSize(2);
    assertThat(rules(version.at("/schema/openAPIV3Schema"))).contains("has(self.spec)");
    spec.path("x-kubernetes-validations")
        .forEach(r -> assertThat(r.get("message").asText()).isNotBlank());
  }

  @Test
  void defaultsSubObjectsSoTheirFieldsGetDefaults() {
    assertThat(spec.at("/properties/storage/default/size").asText()).isEqualTo("10Gi");
    assertThat(spec.at("/properties/updateStrategy/default/type").asText()).isEqualTo("Automatic");
    assertThat(spec.at("/properties/members/default").asInt()).isEqualTo(3);
    assertThat(spec.at("/properties/image/default").asText()).isEqualTo("starling/node:0.1.0");
  }
}
