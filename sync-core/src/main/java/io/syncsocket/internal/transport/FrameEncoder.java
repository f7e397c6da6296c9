package io.syncsocket.internal.transport;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Compression;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@link OutboundBlob}s as frames: the 4-byte length of the (possibly compressed)
 * blob, then the blob (PROTOCOL.md §1). Compresses with the method negotiated for this link
 * (§5.6) unless the blob is a handshake. Uncompressed blobs are wrapped, not copied.
 *
 * <p>One instance per channel: the compression state (and its {@code Deflater}) is confined to
 * the channel's event loop; the method is set once after the handshake.
 */
final class FrameEncoder extends MessageToMessageEncoder<OutboundBlob> {

	private final BlobCodec blobs;

	private volatile @Nullable Compression compression;

	FrameEncoder(int maxFrameLength) {
		super(OutboundBlob.class);
		this.blobs = new BlobCodec(maxFrameLength);
	}

	void compression(@Nullable Compression compression) {
		this.compression = compression;
	}

	@Nullable Compression compression() {
		return this.compression;
	}

	@Override
	protected void encode(ChannelHandlerContext ctx, OutboundBlob msg, List<Object> out) {
		byte[] blob = msg.compressible() ? this.blobs.seal(msg.blob(), this.compression) : msg.blob();
		ByteBuf header = ctx.alloc().buffer(4);
		header.writeInt(blob.length);
		out.add(header);
		out.add(Unpooled.wrappedBuffer(blob));
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
		this.blobs.close();
		super.handlerRemoved(ctx);
	}

}
