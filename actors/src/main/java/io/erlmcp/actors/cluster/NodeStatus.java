package io.erlmcp.actors.cluster;

import java.util.List;

/**
 * What this node knows of its cluster, as {@code /ready}, metrics and {@code erlmcp status} show
 * it.
 *
 * @param mode {@code read_write}, or {@code read_only} while this node cannot see a majority
 * @param selfUp whether this node is an Up member
 * @param members addresses of the members this node sees
 * @param unreachable addresses of members the failure detector marks unreachable
 */
public record NodeStatus(
    Mode mode, boolean selfUp, String self, List<String> members, List<String> unreachable) {

  public enum Mode {
    READ_WRITE,
    READ_ONLY;

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public NodeStatus {
    members = List.copyOf(members);
    unreachable = List.copyOf(unreachable);
  }

  public static NodeStatus starting(String self) {
    return new NodeStatus(Mode.READ_WRITE, false, self, List.of(), List.of());
  }

  public boolean ready() {
    return selfUp;
  }
}
