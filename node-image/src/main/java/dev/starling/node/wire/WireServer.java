package dev.starling.node.wire;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** The TCP listener: Netty event loops for I/O, one {@link ConnectionHandler} per client. */
public final class WireServer implements AutoCloseable {
  private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> listeners = new ArrayList<>();
  private final ConnectionStats stats = new ConnectionStats();

  public ConnectionStats stats() {
    return stats;
  }

  /** Binds every address; throws if one cannot be bound (the port in use, say). */
  public void start(List<InetSocketAddress> addresses, RequestHandler handler)
      throws InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    clients.add(ch);
                    ch.pipeline()
                        .addLast(new MessageFramer(), new ConnectionHandler(handler, stats));
                  }
                });
    for (InetSocketAddress address : addresses) {
      listeners.add(bootstrap.bind(address).sync().channel());
    }
  }

  /** Stops accepting, then closes every client connection. */
  @Override
  public void close() {
    for (Channel listener : listeners) {
      listener.close().awaitUninterruptibly();
    }
    clients.close().awaitUninterruptibly();
    boss.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }
}
