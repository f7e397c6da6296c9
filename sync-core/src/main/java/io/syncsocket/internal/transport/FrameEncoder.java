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
 * blob, then the blob (PROTOCOL.md §1). Compresses with the method negotiated for this
 * link (§5.6) unless the blob is a handshake. Uncompressed blobs are wrapped, not copied.
 *
 * <p>
 * One instance per channel: the compression state (and its {@code Deflater}) is confined
 * to the channel's event loop; the method is set once after the handshake.
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

	/**
	 * Frames a batch of blobs into one buffer (event loop only): per message, one copy
	 * into a pooled buffer is far cheaper than a buffer pair and an outbound-buffer entry
	 * each.
	 */
	ByteBuf encodeBatch(io.netty.buffer.ByteBufAllocator alloc, List<OutboundBlob> batch) {
		byte[][] sealed = new byte[batch.size()][];
		int total = 0;
		for (int i = 0; i < sealed.length; i++) {
			OutboundBlob msg = batch.get(i);
			sealed[i] = msg.compressible() ? this.blobs.seal(msg.blob(), this.compression) : msg.blob();
			total += 4 + sealed[i].length;
		}
		ByteBuf frames = alloc.ioBuffer(total);
		for (byte[] blob : sealed) {
			frames.writeInt(blob.length);
			frames.writeBytes(blob);
		}
		return frames;
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) throws Exception {
		this.blobs.close();
		super.handlerRemoved(ctx);
	}

}
