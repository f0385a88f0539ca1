package dev.starling.e2e.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PodStatusWriterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return PodStatusWriter.normalize(JSON.readTree(s));
  }

  @Test
  void aStatusIsCoveredWhenEveryFieldWeSetIsAlreadyThere() throws Exception {
    JsonNode have =
        json(
            "{\"phase\":\"Running\",\"podIP\":\"10.244.1.2\",\"qosClass\":\"BestEffort\","
                + "\"containerStatuses\":[{\"name\":\"a\",\"lastState\":{}}]}");
    assertThat(PodStatusWriter.covers(have, json("{\"phase\":\"Running\"}"))).isTrue();
    assertThat(
            PodStatusWriter.covers(
                have,
                json(
                    "{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"a\",\"lastState\":null}]}")))
        .isTrue();
    assertThat(PodStatusWriter.covers(have, json("{\"phase\":\"Succeeded\"}"))).isFalse();
  }
}
