package io.erlmcp.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Bad command lines are usage errors (exit code 2), caught before anything runs. */
class LocalCassandraMainTest {

  @Test
  void missingCommandIsAUsageError() {
    assertThrows(LocalCassandraMain.UsageException.class, () -> LocalCassandraMain.run(new String[0]));
  }

  @Test
  void unknownOptionIsAUsageError() {
    assertThrows(
        LocalCassandraMain.UsageException.class,
        () -> LocalCassandraMain.run(new String[] {"status", "--bogus"}));
  }

  @Test
  void portOutOfRangeIsAUsageError() {
    assertThrows(
        LocalCassandraMain.UsageException.class,
        () -> LocalCassandraMain.run(new String[] {"status", "--port", "65536"}));
  }

  @Test
  void aSeedWithoutItsPortIsAUsageError() {
    assertThrows(
        LocalCassandraMain.UsageException.class,
        () -> LocalCassandraMain.run(new String[] {"status", "--seeds", "127.0.0.1:7000,127.0.0.2"}));
  }
}
