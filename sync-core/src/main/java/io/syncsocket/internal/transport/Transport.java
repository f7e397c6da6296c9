package io.syncsocket.internal.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.syncsocket.TlsOptions;
import org.jspecify.annotations.Nullable;

/**
 * Binds the listening socket, dials peers and builds one pipeline per link:
 * {@link FrameDecoder} → {@link LinkHandler}, with {@link FrameEncoder} outbound, behind
 * a Netty {@code SslHandler} when TLS is on (server side on accepted links, client side
 * on dialed ones; see {@link TlsContexts}).
 *
 * <p>
 * Owns its event-loop group unless one was passed in, and closes only what it owns.
 * Thread-safe.
 */
public final class Transport implements Dialer {

	/**
	 * Settings of the transport; all validated by the public options that produce them.
	 */
	public record Settings(int maxFrameLength, Duration stallTimeout, Duration connectTimeout, int ioThreads,
			@Nullable EventLoopGroup eventLoopGroup, boolean nativeTransport, String threadNamePrefix,
			int maxInboundLinks, int maxLinksPerAddress, int maxQueuedBytes, @Nullable TlsOptions tls) {
	}

	/** Accepted links now open, in total and by remote IP (I/O threads; concurrent). */
	private final java.util.concurrent.atomic.AtomicInteger inboundLinks = new java.util.concurrent.atomic.AtomicInteger();

	private final java.util.concurrent.ConcurrentHashMap<java.net.InetAddress, Integer> inboundByAddress = new java.util.concurrent.ConcurrentHashMap<>();

	private final Settings settings;

	/** Null for plain TCP. */
	private final @Nullable TlsContexts tls;

	private volatile @Nullable LinkListener listener;

	private final EventLoopGroup group;

	private final IoFlavor flavor;

	private final boolean ownsGroup;

	private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private @Nullable Channel serverChannel;

	public Transport(Settings settings) {
		this.settings = Objects.requireNonNull(settings, "'settings' must not be null");
		// before the event-loop group exists, so that bad key material leaks no threads
		this.tls = (settings.tls() != null) ? TlsContexts.create(settings.tls()) : null;
		EventLoopGroup shared = settings.eventLoopGroup();
		if (shared != null) {
			this.group = shared;
			this.flavor = IoFlavor.of(shared);
			this.ownsGroup = false;
		}
		else {
			this.flavor = IoFlavor.select(settings.nativeTransport());
			this.group = new MultiThreadIoEventLoopGroup(settings.ioThreads(),
					new DefaultThreadFactory(settings.threadNamePrefix() + "-io", true), this.flavor.handlerFactory());
			this.ownsGroup = true;
		}
	}

	/** The I/O implementation in use. */
	public IoFlavor flavor() {
		return this.flavor;
	}

	/**
	 * Sets who hears about links. Connections that arrive before it is set are closed at
	 * once (the socket binds first because its node id depends on the bound port).
	 */
	public void listener(LinkListener listener) {
		this.listener = Objects.requireNonNull(listener, "'listener' must not be null");
	}

	/**
	 * Binds the listening socket and returns the bound address (with the real port when
	 * {@code port} is 0). Blocks until bound.
	 * @throws java.io.UncheckedIOException if the address cannot be bound
	 */
	public InetSocketAddress bind(String host, int port) {
		ServerBootstrap bootstrap = new ServerBootstrap().group(this.group)
			.channel(this.flavor.serverChannel())
			.option(ChannelOption.SO_REUSEADDR, true)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
			.childHandler(new LinkInitializer(false, null, 0));
		ChannelFuture future = bootstrap.bind(host, port).awaitUninterruptibly();
		if (!future.isSuccess()) {
			Throwable cause = future.cause();
			throw new java.io.UncheckedIOException("cannot bind " + host + ":" + port + ": " + cause.getMessage(),
					(cause instanceof java.io.IOException io) ? io : new java.io.IOException(cause));
		}
		this.serverChannel = future.channel();
		this.channels.add(future.channel());
		return (InetSocketAddress) future.channel().localAddress();
	}

	/**
	 * Dials a peer; the future completes with the link once TCP is connected and, with
	 * TLS, once the TLS handshake has succeeded (it fails with the TLS error otherwise;
	 * the link has then reported {@code TLS_HANDSHAKE_FAILED} and closes).
	 */
	@Override
	public CompletableFuture<Link> connect(String host, int port) {
		CompletableFuture<Link> result = new CompletableFuture<>();
		if (this.group.isShuttingDown()) {
			result.completeExceptionally(new java.io.IOException("transport is closed"));
			return result;
		}
		LinkInitializer initializer = new LinkInitializer(true, host, port);
		Bootstrap bootstrap = new Bootstrap().group(this.group)
			.channel(this.flavor.clientChannel())
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.settings.connectTimeout().toMillis())
			.handler(initializer);
		bootstrap.connect(host, port).addListener((ChannelFuture future) -> {
			if (!future.isSuccess()) {
				result.completeExceptionally(future.cause());
				return;
			}
			// The link even if it has closed meanwhile (a peer that refused our handshake
			// at once): the listener saw it close, and the dial finds why by the link.
			LinkHandler link = initializer.link;
			SslHandler ssl = future.channel().pipeline().get(SslHandler.class);
			if (link == null) {
				result.completeExceptionally(new java.io.IOException("link to " + host + ":" + port + " closed"));
			}
			else if (ssl == null) {
				result.complete(link);
			}
			else {
				ssl.handshakeFuture().addListener((handshake) -> {
					if (handshake.isSuccess()) {
						result.complete(link);
					}
					else {
						result.completeExceptionally(handshake.cause());
					}
				});
			}
		});
		return result;
	}

	/**
	 * A link becomes unwritable once more than the per-link cap (plus one frame) waits in
	 * its outbound buffer.
	 */
	private io.netty.channel.WriteBufferWaterMark waterMark() {
		// the cap plus one largest frame, so that a single big frame alone never counts
		// as slow
		int high = (int) Math.min(Integer.MAX_VALUE,
				(long) this.settings.maxQueuedBytes() + this.settings.maxFrameLength());
		return new io.netty.channel.WriteBufferWaterMark(high / 2, high);
	}

	/**
	 * Admits an accepted connection if the total and per-address limits allow it, and
	 * counts it until it closes. I/O thread.
	 */
	private boolean admit(SocketChannel channel, LinkListener listener) {
		java.net.InetAddress address = channel.remoteAddress().getAddress();
		int total = this.inboundLinks.incrementAndGet();
		int fromAddress = this.inboundByAddress.merge(address, 1, Integer::sum);
		channel.closeFuture().addListener((future) -> {
			this.inboundLinks.decrementAndGet();
			this.inboundByAddress.computeIfPresent(address, (key, count) -> (count > 1) ? count - 1 : null);
		});
		if (total > this.settings.maxInboundLinks()) {
			listener.linkRefused(channel.remoteAddress(), io.syncsocket.LinkFault.CONNECTION_LIMIT,
					"already " + (total - 1) + " inbound links (maximum " + this.settings.maxInboundLinks() + ")");
			return false;
		}
		if (fromAddress > this.settings.maxLinksPerAddress()) {
			listener.linkRefused(channel.remoteAddress(), io.syncsocket.LinkFault.CONNECTION_LIMIT,
					"already " + (fromAddress - 1) + " links from " + address.getHostAddress() + " (maximum "
							+ this.settings.maxLinksPerAddress() + ")");
			return false;
		}
		return true;
	}

	/** True if the calling thread is one of this transport's I/O threads. */
	public boolean isIoThread() {
		for (var executor : this.group) {
			if (executor.inEventLoop()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Closes the listening socket and every link, then shuts down the event-loop group if
	 * this transport created it. Waits at most {@code timeout}.
	 */
	public void close(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		this.channels.close().awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS);
		if (this.ownsGroup) {
			Future<?> terminated = this.group.shutdownGracefully(0, Math.max(1, remainingMillis(deadline)),
					TimeUnit.MILLISECONDS);
			terminated.awaitUninterruptibly(remainingMillis(deadline), TimeUnit.MILLISECONDS);
		}
	}

	private static long remainingMillis(long deadlineNanos) {
		return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
	}

	private final class LinkInitializer extends ChannelInitializer<SocketChannel> {

		private final boolean outbound;

		/**
		 * The dialed host and port (outbound links are initialised before they connect).
		 */
		private final @Nullable String host;

		private final int port;

		/** The link made for the channel (an outbound initializer has one channel). */
		volatile @Nullable LinkHandler link;

		LinkInitializer(boolean outbound, @Nullable String host, int port) {
			this.outbound = outbound;
			this.host = host;
			this.port = port;
		}

		@Override
		protected void initChannel(SocketChannel channel) {
			LinkListener listener = Transport.this.listener;
			if (listener == null) {
				channel.close();
				return;
			}
			if (!this.outbound && !admit(channel, listener)) {
				channel.close();
				return;
			}
			Transport.this.channels.add(channel);
			Settings settings = Transport.this.settings;
			FrameEncoder encoder = new FrameEncoder(settings.maxFrameLength());
			ChannelPipeline pipeline = channel.pipeline();
			TlsContexts tls = Transport.this.tls;
			if (tls != null) {
				// first, so that frames are encrypted last on the way out and decrypted
				// first on the way in
				String peerHost = (this.host != null) ? this.host : channel.remoteAddress().getHostString();
				int peerPort = (this.host != null) ? this.port : channel.remoteAddress().getPort();
				pipeline.addLast("tls", tls.newHandler(channel.alloc(), this.outbound, peerHost, peerPort));
			}
			pipeline.addLast("frameDecoder",
					new FrameDecoder(settings.maxFrameLength(), settings.stallTimeout().toNanos()));
			pipeline.addLast("frameEncoder", encoder);
			LinkHandler link = new LinkHandler(channel, this.outbound, listener, encoder);
			this.link = link;
			pipeline.addLast("link", link);
		}

	}

}
