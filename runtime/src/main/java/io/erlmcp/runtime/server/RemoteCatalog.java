package io.erlmcp.runtime.server;

import java.util.List;

/**
 * Catalog entries that other nodes of a cluster serve (erlmcp's registry). A {@link McpServer}
 * lists them after its own entries (an entry of its own with the same name or URI wins) and
 * serves a call to one of them through the handler the registry gave it, which runs the call on
 * a node that has it.
 */
public interface RemoteCatalog {
  RemoteCatalog NONE =
      new RemoteCatalog() {
        @Override
        public List<Tool> tools() {
          return List.of();
        }

        @Override
        public List<Resource> resources() {
          return List.of();
        }

        @Override
        public List<Prompt> prompts() {
          return List.of();
        }
      };

  List<Tool> tools();

  List<Resource> resources();

  List<Prompt> prompts();
}
