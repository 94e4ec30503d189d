package io.erlmcp.client.transport;

import io.erlmcp.client.ClientTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * MCP over a TCP connection: newline-delimited JSON-RPC, as on stdio; over TLS when given {@link
 * ClientTls} (the server's certificate checked against the host name, as HTTPS does).
 */
public final class TcpTransport extends LineTransport {
  private final String host;
  private final int port;
  private final ClientTls tls;
  private volatile Socket socket;

  public TcpTransport(String host, int port) {
    this(host, port, null);
  }

  /** TCP+TLS with {@code tls} ({@link ClientTls#DEFAULT}: the JDK's trust store); null for plain TCP. */
  public TcpTransport(String host, int port, ClientTls tls) {
    this.host = host;
    this.port = port;
    this.tls = tls;
  }

  @Override
  protected String name() {
    return tls == null ? "tcp" : "tcp+tls";
  }

  private static SSLContext defaultContext() throws IOException {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IOException("no default TLS context", e);
    }
  }

  @Override
  protected Streams open() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), 10_000);
    s.setTcpNoDelay(true);
    if (tls != null) {
      SSLContext ctx = tls.isDefault() ? defaultContext() : tls.context();
      SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(s, host, port, true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(params);
      ssl.startHandshake();
      s = ssl;
    }
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
