package io.syncsocket.internal.transport;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.syncsocket.LinkFault;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireFormatException;
import org.jspecify.annotations.Nullable;

/**
 * Turns the byte stream of one link into {@link io.syncsocket.internal.wire.WireMessage}s
 * (PROTOCOL.md §1, §1.1): a 4-byte big-endian length, then that many blob bytes, opened
 * raw-first by {@link BlobCodec} and parsed by {@link MessageCodec}.
 *
 * <p>
 * A length above {@code maxFrameLength} fails before any byte of the frame is buffered.
 * After the first failure the decoder discards everything (the link is being closed). A
 * partial frame that sees no new byte for {@code stallTimeout} fails with
 * {@link LinkFault#STALLED_FRAME} (§5.8); a link with no partial frame may stay idle
 * forever.
 *
 * <p>
 * One instance per channel, confined to its event loop.
 */
final class FrameDecoder extends ByteToMessageDecoder {

	private static final int HEADER_LENGTH = 4;

	/** "HTTP" read as a big-endian length header. */
	private static final long HTTP = 0x48545450L;

	private final int maxFrameLength;

	private final long stallTimeoutNanos;

	private final BlobCodec blobs;

	private boolean failed;

	private long lastProgressNanos;

	private @Nullable ScheduledFuture<?> stallCheck;

	FrameDecoder(int maxFrameLength, long stallTimeoutNanos) {
		this.maxFrameLength = maxFrameLength;
		this.stallTimeoutNanos = stallTimeoutNanos;
		this.blobs = new BlobCodec(maxFrameLength);
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.lastProgressNanos = nanoTime(ctx);
		scheduleStallCheck(ctx, this.stallTimeoutNanos);
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) {
		if (this.stallCheck != null) {
			this.stallCheck.cancel(false);
			this.stallCheck = null;
		}
		this.blobs.close();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		this.lastProgressNanos = nanoTime(ctx);
		super.channelRead(ctx, msg);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return;
		}
		if (in.readableBytes() < HEADER_LENGTH) {
			return;
		}
		long length = in.getUnsignedInt(in.readerIndex());
		if (length > this.maxFrameLength) {
			fail(in);
			if (length == HTTP) {
				// a web server answering our handshake with "HTTP/1.1 400 ..."
				throw new WireFormatException(LinkFault.FRAME_TOO_LARGE,
						"the peer speaks HTTP (it sent 'HTTP' where a frame length belongs): "
								+ "seeds and connect() must name mesh ports, not web ports");
			}
			throw new WireFormatException(LinkFault.FRAME_TOO_LARGE,
					"length header announces " + length + " bytes (maximum " + this.maxFrameLength + ")");
		}
		if (in.readableBytes() < HEADER_LENGTH + length) {
			return;
		}
		in.skipBytes(HEADER_LENGTH);
		byte[] blob = new byte[(int) length];
		in.readBytes(blob);
		try {
			out.add(MessageCodec.decode(this.blobs.open(blob)));
		}
		catch (WireFormatException ex) {
			fail(in);
			throw ex;
		}
	}

	private void fail(ByteBuf in) {
		this.failed = true;
		in.skipBytes(in.readableBytes());
	}

	private boolean hasPartialFrame() {
		ByteBuf buffer = internalBuffer();
		return !this.failed && buffer.isReadable();
	}

	private void scheduleStallCheck(ChannelHandlerContext ctx, long delayNanos) {
		this.stallCheck = ctx.executor().schedule(() -> checkStall(ctx), delayNanos, TimeUnit.NANOSECONDS);
	}

	private void checkStall(ChannelHandlerContext ctx) {
		if (ctx.isRemoved()) {
			return;
		}
		long idle = nanoTime(ctx) - this.lastProgressNanos;
		boolean partial = hasPartialFrame();
		if (partial && idle >= this.stallTimeoutNanos) {
			int buffered = internalBuffer().readableBytes();
			this.failed = true;
			ctx.fireExceptionCaught(new WireFormatException(LinkFault.STALLED_FRAME, "partial frame (" + buffered
					+ " bytes buffered) saw no data for " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms"));
			return;
		}
		// Without a partial frame nothing can stall before a new frame starts: check
		// again a full period later instead of every millisecond on a long-idle link.
		long delay = partial ? Math.max(this.stallTimeoutNanos - idle, TimeUnit.MILLISECONDS.toNanos(1))
				: this.stallTimeoutNanos;
		scheduleStallCheck(ctx, delay);
	}

	/**
	 * The event loop's clock, the same one its scheduled checks run on (a mock ticker in
	 * tests).
	 */
	private static long nanoTime(ChannelHandlerContext ctx) {
		return ctx.executor().ticker().nanoTime();
	}

}
