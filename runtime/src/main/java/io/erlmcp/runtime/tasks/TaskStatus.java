package io.erlmcp.runtime.tasks;

/** Where a task is in its life. The last three are terminal: nothing changes a task after them. */
public enum TaskStatus {
  WORKING("working"),
  INPUT_REQUIRED("input_required"),
  COMPLETED("completed"),
  FAILED("failed"),
  CANCELLED("cancelled");

  private final String wireName;

  TaskStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The status as MCP writes it ({@code input_required}, ...). */
  public String wireName() {
    return wireName;
  }

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }
}
