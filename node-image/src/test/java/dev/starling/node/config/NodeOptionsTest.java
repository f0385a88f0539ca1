package dev.starling.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeOptionsTest {

  @Test
  void defaultsAreMongods() throws Exception {
    NodeOptions options = NodeOptions.parse();
    assertThat(options.port).isEqualTo(27017);
    assertThat(options.bindIps).containsExactly("127.0.0.1");
    assertThat(options.dbPath).isEqualTo(Path.of("/data/db"));
    assertThat(options.httpPort()).isEqualTo(28017);
  }

  @Test
  void flagsAcceptSpaceAndEqualsForms() throws Exception {
    NodeOptions options =
        NodeOptions.parse(
            "--port=27100",
            "--dbpath",
            "/tmp/x",
            "--bind_ip",
            "127.0.0.1,127.0.1.2",
            "--httpPort",
            "9000");
    assertThat(options.port).isEqualTo(27100);
    assertThat(options.dbPath).isEqualTo(Path.of("/tmp/x"));
    assertThat(options.bindIps).containsExactly("127.0.0.1", "127.0.1.2");
    assertThat(options.httpPort()).isEqualTo(9000);
  }

  @Test
  void yamlConfigIsReadAndCommandLineFlagsWin(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("mongod.conf");
    Files.writeString(
        config,
        """
        net:
          port: 27200
          bindIp: 127.0.0.1
        storage:
          dbPath: /srv/data
        setParameter:
          enableTestCommands: 1
        """);
    NodeOptions options = NodeOptions.parse("-f", config.toString(), "--port", "27300");
    assertThat(options.port).isEqualTo(27300);
    assertThat(options.dbPath).isEqualTo(Path.of("/srv/data"));
    assertThat(options.testCommandsEnabled()).isTrue();
  }

  @Test
  void unknownYamlSettingIsAnError(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("mongod.conf");
    Files.writeString(config, "net:\n  prot: 1\n");
    assertThatThrownBy(() -> NodeOptions.parse("--config", config.toString()))
        .isInstanceOf(OptionsException.class)
        .hasMessageContaining("net.prot");
  }

  @Test
  void keyFileIsRefusedNotIgnored() {
    assertThatThrownBy(() -> NodeOptions.parse("--keyFile", "/k"))
        .isInstanceOf(OptionsException.class)
        .hasMessageContaining("--keyFile")
        .hasMessageContaining("not supported yet");
  }

  @Test
  void replSetAndOplogSizeAreAccepted(@TempDir Path dir) throws Exception {
    NodeOptions flags = NodeOptions.parse("--replSet", "rs0", "--oplogSize", "990");
    assertThat(flags.replSetName).isEqualTo("rs0");
    assertThat(flags.oplogSizeMB).isEqualTo(990);
    Path config = dir.resolve("mongod.conf");
    Files.writeString(config, "replication:\n  replSetName: rs1\n  oplogSizeMB: 50\n");
    NodeOptions yaml = NodeOptions.parse("--config", config.toString());
    assertThat(yaml.replSetName).isEqualTo("rs1");
    assertThat(yaml.oplogSizeMB).isEqualTo(50);
  }

  @Test
  void oplogSizeWithoutReplSetIsRefused() {
    assertThatThrownBy(() -> NodeOptions.parse("--oplogSize", "990"))
        .isInstanceOf(OptionsException.class)
        .hasMessageContaining("--replSet");
  }

  @Test
  void oplogMinRetentionHoursComesFromTheFlagOrTheStorageSection(@TempDir Path dir)
      throws Exception {
    assertThat(
            NodeOptions.parse("--replSet", "rs0", "--oplogMinRetentionHours", "1.5")
                .oplogMinRetentionHours)
        .isEqualTo(1.5);
    Path config = dir.resolve("mongod.conf");
    Files.writeString(
        config, "storage:\n  oplogMinRetentionHours: 2\nreplication:\n  replSetName: rs1\n");
    assertThat(NodeOptions.parse("--config", config.toString()).oplogMinRetentionHours)
        .isEqualTo(2.0);
    assertThatThrownBy(
            () -> NodeOptions.parse("--replSet", "rs0", "--oplogMinRetentionHours", "-1"))
        .hasMessageContaining("--oplogMinRetentionHours");
    assertThatThrownBy(() -> NodeOptions.parse("--oplogMinRetentionHours", "1"))
        .hasMessageContaining("--replSet");
  }

  @Test
  void theTestOnlyOplogMinimumNeedsEnableTestCommands() throws Exception {
    assertThat(NodeOptions.parse("--replSet", "rs0").oplogMinimumMB()).isEqualTo(990.0);
    assertThat(
            NodeOptions.parse(
                    "--replSet",
                    "rs0",
                    "--setParameter",
                    "enableTestCommands=1",
                    "--setParameter",
                    "oplogMinSizeMBForTest=0.5")
                .oplogMinimumMB())
        .isEqualTo(0.5);
    assertThatThrownBy(
            () ->
                NodeOptions.parse("--replSet", "rs0", "--setParameter", "oplogMinSizeMBForTest=1"))
        .isInstanceOf(OptionsException.class)
        .hasMessageContaining("enableTestCommands");
    assertThatThrownBy(
            () ->
                NodeOptions.parse(
                    "--setParameter",
                    "enableTestCommands=1",
                    "--setParameter",
                    "oplogMinSizeMBForTest=zero"))
        .hasMessageContaining("oplogMinSizeMBForTest");
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> NodeOptions.parse("--port", "abc")).hasMessageContaining("--port");
    assertThatThrownBy(() -> NodeOptions.parse("--port", "70000")).hasMessageContaining("--port");
    assertThatThrownBy(() -> NodeOptions.parse("--nope")).hasMessageContaining("--nope");
    assertThatThrownBy(() -> NodeOptions.parse("--port")).hasMessageContaining("--port");
    assertThatThrownBy(() -> NodeOptions.parse("--setParameter", "noSuchParam=1"))
        .hasMessageContaining("noSuchParam");
  }
}
