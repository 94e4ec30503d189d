/**
 * MCP tasks, for both eras: the experimental tasks of 2025-11-25 and the {@code
 * io.modelcontextprotocol/tasks} extension of 2026-07-28. A task is event-sourced data ({@link
 * io.erlmcp.runtime.tasks.TaskEvent} folded into {@link io.erlmcp.runtime.tasks.TaskState}) kept
 * by a {@link io.erlmcp.runtime.tasks.TaskStore}; the dispatcher runs the tool and records what
 * becomes of it. Pure Java: the journaled store lives in the actors module.
 */
package io.erlmcp.runtime.tasks;
