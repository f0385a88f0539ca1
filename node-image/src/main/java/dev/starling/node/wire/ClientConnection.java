package dev.starling.node.wire;

import java.net.InetSocketAddress;
import org.bson.BsonDocument;

/**
 * One client connection as commands see it: its id, its peer address and the metadata its handshake
 * sent.
 */
public final class ClientConnection {
  private final long id;
  private final InetSocketAddress remote;
  private volatile BsonDocument clientMetadata;

  public ClientConnection(long id, InetSocketAddress remote) {
    this.id = id;
    this.remote = remote;
  }

  public long id() {
    return id;
  }

  /** "host:port" as whatsmyuri reports it. */
  public String remoteAddress() {
    return remote == null ? "" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
  }

  public BsonDocument clientMetadata() {
    return clientMetadata;
  }

  public void clientMetadata(BsonDocument metadata) {
    this.clientMetadata = metadata;
  }
}
