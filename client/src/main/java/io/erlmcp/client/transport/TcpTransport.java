package io.erlmcp.client.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** MCP over a TCP connection: newline-delimited JSON-RPC, as on stdio. */
public final class TcpTransport extends LineTransport {
  private final String host;
  private final int port;
  private volatile Socket socket;

  public TcpTransport(String host, int port) {
    this.host = host;
    this.port = port;
  }

  @Override
  protected String name() {
    return "tcp";
  }

  @Override
  protected Streams open() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), 10_000);
    s.setTcpNoDelay(true);
    this.socket = s;
    return new Streams(s.getInputStream(), s.getOutputStream());
  }

  @Override
  protected String describeEnd() {
    return "the server " + host + ":" + port + " closed the connection";
  }

  @Override
  protected void release() {
    Socket s = socket;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
