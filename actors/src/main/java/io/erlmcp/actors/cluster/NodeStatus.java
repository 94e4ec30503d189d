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
 * @param leader the address of the leader this node sees, or null
 */
public record NodeStatus(
    Mode mode,
    boolean selfUp,
    String self,
    List<String> members,
    List<String> unreachable,
    String leader) {

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
    return new NodeStatus(Mode.READ_WRITE, false, self, List.of(), List.of(), null);
  }

  public boolean ready() {
    return selfUp;
  }

  /** This view as the JSON object {@code erlmcp status} prints (no library: flat strings). */
  public String toJson() {
    StringBuilder b = new StringBuilder("{");
    b.append("\"mode\":").append(str(mode.wireName()));
    b.append(",\"up\":").append(selfUp);
    b.append(",\"self\":").append(str(self));
    b.append(",\"members\":").append(arr(members));
    b.append(",\"unreachable\":").append(arr(unreachable));
    b.append(",\"leader\":").append(leader == null ? "null" : str(leader));
    return b.append('}').toString();
  }

  private static String arr(List<String> xs) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < xs.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(str(xs.get(i)));
    }
    return b.append(']').toString();
  }

  private static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
