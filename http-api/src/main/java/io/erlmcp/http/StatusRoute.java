package io.erlmcp.http;

import io.erlmcp.actors.Core;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.management.javadsl.ManagementRouteProvider;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;

/**
 * {@code GET /status} on Pekko Management: this node's cluster view as JSON (mode, up, self,
 * members, unreachable, leader), what {@code erlmcp status --management HOST:PORT} prints.
 * Registered under {@code pekko.management.http.routes.erlmcp-status}. 503 until the core runs.
 */
public final class StatusRoute extends AbstractExtensionId<StatusRoute.Provider>
    implements ExtensionIdProvider {

  public static final StatusRoute INSTANCE = new StatusRoute();

  @Override
  public StatusRoute lookup() {
    return INSTANCE;
  }

  @Override
  public Provider createExtension(ExtendedActorSystem system) {
    return new Provider(system);
  }

  /** The route provider itself (one per actor system). */
  public static final class Provider implements Extension, ManagementRouteProvider {
    private final ExtendedActorSystem system;

    Provider(ExtendedActorSystem system) {
      this.system = system;
    }

    @Override
    public Route routes(ManagementRouteProviderSettings settings) {
      return Directives.path(
          "status",
          () ->
              Directives.get(
                  () ->
                      Directives.complete(
                                  Core.of(Adapter.toTyped(system))
                                      .map(
                                          c ->
                                              HttpResponse.create()
                                                  .withEntity(
                                                      ContentTypes.APPLICATION_JSON,
                                                      c.status().get().toJson()))
                                      .orElseGet(
                                          () ->
                                              HttpResponse.create()
                                                  .withStatus(StatusCodes.SERVICE_UNAVAILABLE)
                                                  .withEntity(
                                                      ContentTypes.APPLICATION_JSON,
                                                      "{\"error\":\"starting\"}")))));
    }
  }
}
