package io.erlmcp.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node of a multi-node cluster gets that a lone node does not, and the reverse. */
class ClusteredNodeSettingsTest {

  @TempDir Path dir;

  @Test
  void aNodeWithSeedsNamesThemAndItsClusterAndBootsWithARingDelay() throws Exception {
    LocalCassandra.Settings settings =
        LocalCassandra.Settings.defaults(dir)
            .withHost("127.0.0.2")
            .withPorts(19142, 17100)
            .withClusterName("ring-test")
            .withSeeds(List.of("127.0.0.1:17000", "127.0.0.2:17100"));
    new NodeFiles(dir).write(settings);
    String yaml = Files.readString(new NodeFiles(dir).yaml());
    assertTrue(yaml.contains("cluster_name: 'ring-test'"), yaml);
    assertTrue(yaml.contains("seeds: \"127.0.0.1:17000,127.0.0.2:17100\""), yaml);
    assertTrue(yaml.contains("listen_address: 127.0.0.2"), yaml);
    assertTrue(yaml.contains("storage_port: 17100"), yaml);

    List<String> command = new LocalCassandra(settings).command(Path.of("java"), "cp");
    assertTrue(command.contains("-Dcassandra.ring_delay_ms=5000"), command.toString());
    assertFalse(command.contains("-Dcassandra.skip_wait_for_gossip_to_settle=0"), command.toString());
  }

  @Test
  void aLoneNodeIsItsOwnSeedAndBootsFast() throws Exception {
    LocalCassandra.Settings settings = LocalCassandra.Settings.defaults(dir).withPorts(19042, 17000);
    new NodeFiles(dir).write(settings);
    String yaml = Files.readString(new NodeFiles(dir).yaml());
    assertTrue(yaml.contains("cluster_name: 'erlmcp-dev'"), yaml);
    assertTrue(yaml.contains("seeds: \"127.0.0.1:17000\""), yaml);

    List<String> command = new LocalCassandra(settings).command(Path.of("java"), "cp");
    assertTrue(command.contains("-Dcassandra.ring_delay_ms=1000"), command.toString());
    assertTrue(command.contains("-Dcassandra.skip_wait_for_gossip_to_settle=0"), command.toString());
  }
}
