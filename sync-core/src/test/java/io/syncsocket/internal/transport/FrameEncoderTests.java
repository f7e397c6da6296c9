package io.syncsocket.internal.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MessageCodec;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.syncsocket.internal.transport.FrameDecoderTests.assertDecoded;
import static io.syncsocket.internal.transport.FrameDecoderTests.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link FrameEncoder} on an {@link EmbeddedChannel} (PROTOCOL.md §1, §5.1, §5.6): the
 * length header, per-link compression of compressible blobs only, and a round trip
 * through {@link FrameDecoder}. Every written buffer is read back and released.
 */
class FrameEncoderTests {

	private static final int MAX_FRAME_LENGTH = 64 * 1024;

	private final List<EmbeddedChannel> channels = new ArrayList<>();

	@AfterEach
	void closeChannels() {
		for (EmbeddedChannel channel : this.channels) {
			channel.close();
			channel.releaseInbound();
			channel.releaseOutbound();
		}
	}

	@Test
	void blobShouldBeWrittenAsLengthThenBlob() {
		EmbeddedChannel channel = channel(null);
		byte[] blob = message("plain");
		assertThat(channel.writeOutbound(new OutboundBlob(blob, true))).isTrue();
		byte[] frame = readFrame(channel);
		assertThat(frame).hasSize(4 + blob.length);
		assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(blob.length);
		assertThat(Arrays.copyOfRange(frame, 4, frame.length)).containsExactly(blob);
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void compressibleBlobShouldBeZlibCompressedWhenZlibIsSet() {
		blobShouldBeCompressedWith(Compression.ZLIB, 0x78);
	}

	@Test
	void compressibleBlobShouldBeGzipCompressedWhenGzipIsSet() {
		blobShouldBeCompressedWith(Compression.GZIP, 0x1f);
	}

	private void blobShouldBeCompressedWith(Compression compression, int firstByte) {
		EmbeddedChannel channel = channel(compression);
		byte[] blob = message("squeeze ".repeat(50));
		channel.writeOutbound(new OutboundBlob(blob, true));
		byte[] frame = readFrame(channel);
		int length = ByteBuffer.wrap(frame).getInt();
		assertThat(length).isEqualTo(frame.length - 4).isLessThan(blob.length);
		assertThat(frame[4] & 0xff).isEqualTo(firstByte);
		try (BlobCodec codec = new BlobCodec(MAX_FRAME_LENGTH)) {
			assertThat(codec.open(Arrays.copyOfRange(frame, 4, frame.length))).containsExactly(blob);
		}
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void handshakeShouldNeverBeCompressed() {
		EmbeddedChannel channel = channel(Compression.ZLIB);
		byte[] handshake = MessageCodec.encode(Flags.WHISPER, "sender", 1764150000L, List.of(Flags.HANDSHAKE, "sender",
				"protocol".getBytes(), List.of("127.0.0.1", 4444), List.of(0x13, 0x11)));
		channel.writeOutbound(new OutboundBlob(handshake, false));
		byte[] frame = readFrame(channel);
		assertThat(Arrays.copyOfRange(frame, 4, frame.length)).containsExactly(handshake);
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void compressibleBlobShouldBeSentRawWithoutCompression() {
		EmbeddedChannel channel = channel(null);
		byte[] blob = message("squeeze ".repeat(50));
		channel.writeOutbound(new OutboundBlob(blob, true));
		byte[] frame = readFrame(channel);
		assertThat(Arrays.copyOfRange(frame, 4, frame.length)).containsExactly(blob);
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void compressionChangeShouldApplyToLaterBlobs() {
		FrameEncoder encoder = new FrameEncoder(MAX_FRAME_LENGTH);
		EmbeddedChannel channel = track(new EmbeddedChannel(encoder));
		byte[] blob = message("switch ".repeat(40));
		channel.writeOutbound(new OutboundBlob(blob, true));
		encoder.compression(Compression.GZIP);
		channel.writeOutbound(new OutboundBlob(blob, true));
		assertThat(readFrame(channel)[4]).isEqualTo(blob[0]);
		assertThat(readFrame(channel)[4] & 0xff).isEqualTo(0x1f);
		assertThat(encoder.compression()).isEqualTo(Compression.GZIP);
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void encodedFramesShouldRoundTripThroughTheDecoderByteByByte() {
		EmbeddedChannel encoding = channel(Compression.ZLIB);
		EmbeddedChannel decoding = track(
				new EmbeddedChannel(new FrameDecoder(MAX_FRAME_LENGTH, TimeUnit.SECONDS.toNanos(60))));
		byte[] compressed = message("round trip ".repeat(30));
		byte[] handshake = message("uncompressed");
		encoding.writeOutbound(new OutboundBlob(compressed, true), new OutboundBlob(handshake, false));
		byte[] stream = FrameDecoderTests.concat(readFrame(encoding), readFrame(encoding));
		for (byte b : stream) {
			decoding.writeInbound(Unpooled.buffer(1).writeByte(b));
		}
		assertDecoded(decoding.readInbound(), compressed);
		assertDecoded(decoding.readInbound(), handshake);
		assertThat(encoding.finish()).isFalse();
		assertThat(decoding.finish()).isFalse();
	}

	private EmbeddedChannel channel(@Nullable Compression compression) {
		FrameEncoder encoder = new FrameEncoder(MAX_FRAME_LENGTH);
		encoder.compression(compression);
		return track(new EmbeddedChannel(encoder));
	}

	private EmbeddedChannel track(EmbeddedChannel channel) {
		this.channels.add(channel);
		return channel;
	}

	/**
	 * Reads one frame (the encoder writes a header buffer, then the blob) and releases
	 * the buffers.
	 */
	private static byte[] readFrame(EmbeddedChannel channel) {
		ByteBuf header = channel.readOutbound();
		assertThat(header).isNotNull();
		assertThat(header.readableBytes()).isEqualTo(4);
		ByteBuf blob = channel.readOutbound();
		assertThat(blob).isNotNull();
		CompositeByteBuf frame = Unpooled.compositeBuffer().addComponents(true, header, blob);
		try {
			return ByteBufUtil.getBytes(frame);
		}
		finally {
			frame.release();
			assertThat(header.refCnt()).isZero();
			assertThat(blob.refCnt()).isZero();
		}
	}

}
