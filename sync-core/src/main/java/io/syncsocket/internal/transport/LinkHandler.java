package io.syncsocket.internal.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.syncsocket.LinkFault;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * The last inbound handler of a link's pipeline and the {@link Link} the mesh layer
 * holds. Forwards decoded messages and lifecycle events to the {@link LinkListener}, and
 * turns exceptions into exactly one {@link LinkFault} report followed by closing the
 * channel.
 */
final class LinkHandler extends ChannelInboundHandlerAdapter implements Link {

	private final Channel channel;

	private final boolean outbound;

	private final LinkListener listener;

	private final FrameEncoder encoder;

	private boolean faulted;

	/**
	 * Decoded in the current read, handed over together at read-complete (I/O thread
	 * only).
	 */
	private List<WireMessage> inbound = new ArrayList<>();

	/**
	 * Queued by {@link #enqueue} until {@link #flush}; both are called under the node
	 * lock (on the node loop or a user thread), which guards it.
	 */
	private List<OutboundBlob> pending = new ArrayList<>();

	LinkHandler(Channel channel, boolean outbound, LinkListener listener, FrameEncoder encoder) {
		this.channel = channel;
		this.outbound = outbound;
		this.listener = listener;
		this.encoder = encoder;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) throws Exception {
		this.listener.linkActive(this);
		super.channelActive(ctx);
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		this.inbound.add((WireMessage) msg);
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
		deliverInbound();
		super.channelReadComplete(ctx);
	}

	/**
	 * One hand-over per read, not per message: a burst of frames costs the mesh one task.
	 */
	private void deliverInbound() {
		if (this.inbound.isEmpty()) {
			return;
		}
		List<WireMessage> batch = this.inbound;
		this.inbound = new ArrayList<>();
		this.listener.messagesReceived(this, batch);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		deliverInbound();
		Throwable root = (cause instanceof DecoderException && cause.getCause() != null) ? cause.getCause() : cause;
		if (!this.faulted) {
			this.faulted = true;
			SSLException tls = findTlsCause(cause);
			if (root instanceof WireFormatException wire) {
				this.listener.linkFault(this, wire.fault(), wire.getMessage());
			}
			else if (tls != null) {
				this.listener.linkFault(this, LinkFault.TLS_HANDSHAKE_FAILED, tlsDetail(tls));
			}
			else {
				String detail = (root instanceof IOException) ? String.valueOf(root.getMessage()) : root.toString();
				this.listener.linkFault(this, LinkFault.IO_ERROR, detail);
			}
		}
		ctx.close();
	}

	/**
	 * A failed TLS handshake: the {@code SslHandler} reports it here first (for a timeout
	 * or an engine failure, only here), then as an exception; one fault either way.
	 */
	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
		if (event instanceof SslHandshakeCompletionEvent completion && !completion.isSuccess()) {
			if (!this.faulted) {
				this.faulted = true;
				Throwable cause = completion.cause();
				SSLException tls = findTlsCause(cause);
				String detail = (tls != null) ? tlsDetail(tls)
						: (cause instanceof java.nio.channels.ClosedChannelException)
								? "connection closed during the TLS handshake" : String.valueOf(cause);
				this.listener.linkFault(this, LinkFault.TLS_HANDSHAKE_FAILED, detail);
			}
			ctx.close();
		}
		super.userEventTriggered(ctx, event);
	}

	private static @Nullable SSLException findTlsCause(@Nullable Throwable cause) {
		for (Throwable current = cause; current != null; current = current.getCause()) {
			if (current instanceof SSLException tls) {
				return tls;
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

	/**
	 * The TLS error, shortened: Netty's message for plaintext on a TLS port hex-dumps the
	 * whole read.
	 */
	private static String tlsDetail(SSLException tls) {
		String message = (tls instanceof NotSslRecordException) ? "not a TLS record (plaintext on a TLS port?)"
				: String.valueOf(tls.getMessage());
		return (message.length() > 200) ? message.substring(0, 200) + "..." : message;
	}

	/**
	 * The peer does not read as fast as we write: more than the per-link cap is queued.
	 * Drop the link rather than buffer without bound; the peer may reconnect and catch up
	 * with a state transfer.
	 */
	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
		if (!ctx.channel().isWritable() && ctx.channel().isActive() && !this.faulted) {
			this.faulted = true;
			long queued = ctx.channel().unsafe().outboundBuffer() != null
					? ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes() : -1;
			this.listener.linkFault(this, LinkFault.SLOW_PEER, queued + " bytes queued for a peer that is not reading");
			ctx.close();
		}
		super.channelWritabilityChanged(ctx);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		deliverInbound();
		this.listener.linkClosed(this);
		super.channelInactive(ctx);
	}

	@Override
	public boolean outbound() {
		return this.outbound;
	}

	@Override
	public InetSocketAddress remoteAddress() {
		return (InetSocketAddress) this.channel.remoteAddress();
	}

	@Override
	public void send(byte[] blob, boolean compressible) {
		this.channel.writeAndFlush(new OutboundBlob(blob, compressible), this.channel.voidPromise());
	}

	@Override
	public void enqueue(byte[] blob, boolean compressible) {
		this.pending.add(new OutboundBlob(blob, compressible));
	}

	@Override
	public void flush() {
		if (this.pending.isEmpty()) {
			return;
		}
		List<OutboundBlob> batch = this.pending;
		this.pending = new ArrayList<>();
		if (this.channel.eventLoop().inEventLoop()) {
			writeAll(batch);
		}
		else {
			this.channel.eventLoop().execute(() -> writeAll(batch));
		}
	}

	@Override
	public long queuedBytes() {
		io.netty.channel.ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		return (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
	}

	private void writeAll(List<OutboundBlob> batch) {
		if (!this.channel.isActive()) {
			return;
		}
		this.channel.writeAndFlush(this.encoder.encodeBatch(this.channel.alloc(), batch), this.channel.voidPromise());
	}

	@Override
	public void compression(@Nullable Compression compression) {
		this.encoder.compression(compression);
	}

	@Override
	public @Nullable Compression compression() {
		return this.encoder.compression();
	}

	@Override
	public void close() {
		this.channel.close();
	}

	@Override
	public void retire(java.time.Duration grace) {
		this.channel.eventLoop().execute(() -> {
			if (!this.channel.isActive()) {
				return;
			}
			if (!(this.channel instanceof DuplexChannel duplex)
					|| this.channel.pipeline().get(SslHandler.class) != null) {
				// TLS would need its close_notify first: a plain close is good enough for
				// this rare case
				this.channel.close();
				return;
			}
			duplex.shutdownOutput().addListener((future) -> {
				if (!future.isSuccess()) {
					this.channel.close();
				}
			});
			// the peer closing its side ends the channel (no half-closure); this bounds
			// the wait
			this.channel.eventLoop().schedule(() -> this.channel.close(), grace.toMillis(), TimeUnit.MILLISECONDS);
		});
	}

	@Override
	public boolean isOpen() {
		return this.channel.isActive();
	}

	@Override
	public String toString() {
		return (this.outbound ? "to " : "from ") + Addresses.text(this.channel.remoteAddress());
	}

}
