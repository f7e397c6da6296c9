package io.syncsocket.internal.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.syncsocket.LinkFault;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.Ids;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link FrameDecoder} on an {@link EmbeddedChannel} (PROTOCOL.md §1, §1.1, §5.8):
 * framing under every fragmentation, the size limit, checksums, raw-first decompression
 * and the stall timeout, driven by a mock ticker. Every input buffer must be released by
 * the decoder.
 */
class FrameDecoderTests {

	private static final int MAX_FRAME_LENGTH = 1024;

	private static final long STALL_MILLIS = 200;

	private static final String SENDER = "74GaqAyWe16ccXu3wv8E8yFk5ugrpLqBSEyNVtJMVSqyrgJPvJeRCb2eRhkqW2Pyty";

	private static final long TIME = 1764150000L;

	private final MockTicker ticker = Ticker.newMockTicker();

	private final List<EmbeddedChannel> channels = new ArrayList<>();

	private final List<ByteBuf> inputs = new ArrayList<>();

	@AfterEach
	void closeChannels() {
		for (EmbeddedChannel channel : this.channels) {
			channel.close();
			channel.releaseInbound();
			channel.releaseOutbound();
		}
	}

	@Test
	void frameFedByteByByteShouldDecodeOnce() {
		EmbeddedChannel channel = channel();
		byte[] blob = message("byte by byte");
		byte[] frame = frame(blob);
		for (int i = 0; i < frame.length - 1; i++) {
			assertThat(channel.writeInbound(input(frame, i, i + 1))).as("after %d bytes", i + 1).isFalse();
		}
		assertThat(channel.writeInbound(input(frame, frame.length - 1, frame.length))).isTrue();
		assertDecoded(channel.readInbound(), blob);
		assertThat(channel.<Object>readInbound()).isNull();
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void twoFramesCoalescedInOneBufferShouldDecodeInOrder() {
		EmbeddedChannel channel = channel();
		byte[] first = message("first");
		byte[] second = message("second");
		assertThat(channel.writeInbound(input(concat(frame(first), frame(second))))).isTrue();
		assertDecoded(channel.readInbound(), first);
		assertDecoded(channel.readInbound(), second);
		assertThat(channel.<Object>readInbound()).isNull();
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void framesSplitAtEveryPositionShouldDecode() {
		byte[] first = message("split");
		byte[] second = message("across frames");
		byte[] stream = concat(frame(first), frame(second));
		for (int split = 0; split <= stream.length; split++) {
			EmbeddedChannel channel = channel();
			channel.writeInbound(input(stream, 0, split));
			channel.writeInbound(input(stream, split, stream.length));
			assertDecoded(channel.readInbound(), first);
			assertDecoded(channel.readInbound(), second);
			assertThat(channel.<Object>readInbound()).as("split at %d", split).isNull();
			assertThat(channel.finish()).isFalse();
		}
		assertInputsReleased();
	}

	@Test
	void emptyInputShouldProduceNothing() {
		EmbeddedChannel channel = channel();
		assertThat(channel.writeInbound(input(new byte[0]))).isFalse();
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void oversizeLengthHeaderShouldFailBeforeTheBodyArrives() {
		CountingAllocator allocator = new CountingAllocator();
		EmbeddedChannel channel = channel();
		channel.config().setAllocator(allocator);
		// Only the header is fed, byte by byte: the fault must come on its fourth byte.
		byte[] header = header(0xFFFFFFFFL);
		for (int i = 0; i < 3; i++) {
			assertThat(channel.writeInbound(input(header, i, i + 1))).isFalse();
		}
		Throwable thrown = catchThrowable(() -> channel.writeInbound(input(header, 3, 4)));
		assertFault(thrown, LinkFault.FRAME_TOO_LARGE);
		assertThat(thrown).hasRootCauseMessage("length header announces 4294967295 bytes (maximum 1024)");
		// Merging the four header bytes allocated a little; nothing was reserved for the
		// announced body, not even the configured maximum.
		assertThat(allocator.allocatedBytes.sum()).isPositive().isLessThan(MAX_FRAME_LENGTH);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void lengthHeaderOneAboveTheMaximumShouldFail() {
		EmbeddedChannel channel = channel();
		assertFault(catchThrowable(() -> channel.writeInbound(input(header(MAX_FRAME_LENGTH + 1)))),
				LinkFault.FRAME_TOO_LARGE);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void frameOfExactlyTheMaximumShouldDecode() {
		EmbeddedChannel channel = channel();
		byte[] blob = messageOfLength(MAX_FRAME_LENGTH);
		assertThat(channel.writeInbound(input(frame(blob)))).isTrue();
		assertDecoded(channel.readInbound(), blob);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void oversizeFrameShouldNotBeBufferedAndLaterInputShouldBeDiscarded() {
		EmbeddedChannel channel = channel();
		byte[] oversize = concat(header(MAX_FRAME_LENGTH * 4L), new byte[MAX_FRAME_LENGTH / 2]);
		assertFault(catchThrowable(() -> channel.writeInbound(input(oversize))), LinkFault.FRAME_TOO_LARGE);
		assertInputsReleased();
		// The link is being closed: the rest of the announced body and any later valid
		// frame are dropped.
		assertThat(channel.writeInbound(input(new byte[MAX_FRAME_LENGTH]))).isFalse();
		assertThat(channel.writeInbound(input(frame(message("too late"))))).isFalse();
		assertThat(channel.<Object>readInbound()).isNull();
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void framesBeforeABadOneShouldStillBeDelivered() {
		EmbeddedChannel channel = channel();
		byte[] good = message("good");
		byte[] bad = message("bad");
		bad[0] ^= 0x01;
		Throwable thrown = catchThrowable(() -> channel.writeInbound(input(concat(frame(good), frame(bad)))));
		assertFault(thrown, LinkFault.BAD_CHECKSUM);
		assertDecoded(channel.readInbound(), good);
		assertThat(channel.<Object>readInbound()).isNull();
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void checksumMismatchShouldFailWithBadChecksum() {
		EmbeddedChannel channel = channel();
		byte[] blob = message("tampered");
		blob[blob.length - 1] ^= 0x20;
		assertFault(catchThrowable(() -> channel.writeInbound(input(frame(blob)))), LinkFault.BAD_CHECKSUM);
		assertThat(channel.writeInbound(input(frame(message("after the fault"))))).isFalse();
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void blobShorterThanTheChecksumShouldFailWithBadChecksum() {
		EmbeddedChannel channel = channel();
		byte[] shortBlob = Arrays.copyOf(message("short"), 31);
		assertFault(catchThrowable(() -> channel.writeInbound(input(frame(shortBlob)))), LinkFault.BAD_CHECKSUM);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void emptyBlobShouldFailWithBadChecksum() {
		EmbeddedChannel channel = channel();
		assertFault(catchThrowable(() -> channel.writeInbound(input(header(0)))), LinkFault.BAD_CHECKSUM);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void bodyThatIsNotAnArrayShouldFailAsMalformed() {
		EmbeddedChannel channel = channel();
		byte[] body = { (byte) 0x81, (byte) 0xa1, 'a', 0x01 }; // {"a": 1}
		assertFault(catchThrowable(() -> channel.writeInbound(input(frame(withChecksum(body))))),
				LinkFault.MALFORMED_MESSAGE);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void zlibCompressedFrameShouldDecode() {
		compressedFrameShouldDecode(Compression.ZLIB, 0x78);
	}

	@Test
	void gzipCompressedFrameShouldDecode() {
		compressedFrameShouldDecode(Compression.GZIP, 0x1f);
	}

	private void compressedFrameShouldDecode(Compression compression, int firstByte) {
		EmbeddedChannel channel = channel();
		byte[] blob = message("compress me ".repeat(20));
		byte[] sealed;
		try (BlobCodec codec = new BlobCodec(MAX_FRAME_LENGTH)) {
			sealed = codec.seal(blob, compression);
		}
		assertThat(sealed[0] & 0xff).isEqualTo(firstByte);
		assertThat(sealed.length).isLessThan(blob.length);
		byte[] frame = frame(sealed);
		for (int i = 0; i < frame.length; i++) {
			channel.writeInbound(input(frame, i, i + 1));
		}
		assertDecoded(channel.readInbound(), blob);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void zlibFrameInflatingToExactlyTheMaximumShouldDecode() {
		byte[] blob = messageOfLength(MAX_FRAME_LENGTH);
		EmbeddedChannel channel = channel();
		assertThat(channel.writeInbound(input(frame(seal(blob, Compression.ZLIB))))).isTrue();
		assertDecoded(channel.readInbound(), blob);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void zlibFrameInflatingBeyondTheMaximumShouldFail() {
		compressedFrameInflatingBeyondTheMaximumShouldFail(Compression.ZLIB);
	}

	@Test
	void gzipFrameInflatingBeyondTheMaximumShouldFail() {
		compressedFrameInflatingBeyondTheMaximumShouldFail(Compression.GZIP);
	}

	private void compressedFrameInflatingBeyondTheMaximumShouldFail(Compression compression) {
		// A small frame must not expand past the limit the length header would have
		// enforced.
		byte[] sealed = seal(messageOfLength(MAX_FRAME_LENGTH * 8), compression);
		assertThat(sealed.length).isLessThan(MAX_FRAME_LENGTH / 4);
		EmbeddedChannel channel = channel();
		assertFault(catchThrowable(() -> channel.writeInbound(input(frame(sealed)))), LinkFault.FRAME_TOO_LARGE);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void rawBlobWhoseChecksumLooksLikeGzipShouldBeTakenRaw() {
		// Raw first (§1.1): a valid uncompressed blob is never sent through a
		// decompressor, even when its checksum happens to start with the gzip magic
		// bytes.
		byte[] blob = null;
		for (long time = TIME; blob == null; time++) {
			byte[] candidate = MessageCodec.encode(Flags.WHISPER, SENDER, time, List.of(0x30, "magic"));
			if ((candidate[0] & 0xff) == 0x1f && (candidate[1] & 0xff) == 0x8b) {
				blob = candidate;
			}
		}
		EmbeddedChannel channel = channel();
		assertThat(channel.writeInbound(input(frame(blob)))).isTrue();
		assertDecoded(channel.readInbound(), blob);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void stalledPartialFrameShouldFailAfterTheStallTimeout() {
		EmbeddedChannel channel = channel();
		byte[] frame = frame(message("stalls"));
		channel.writeInbound(input(frame, 0, 10));
		advance(channel, STALL_MILLIS - 1);
		assertThatNoException().isThrownBy(channel::checkException);
		assertThat(channel.isOpen()).isTrue();
		advance(channel, 2);
		Throwable thrown = catchThrowable(channel::checkException);
		assertFault(thrown, LinkFault.STALLED_FRAME);
		assertThat(thrown).hasMessageContaining("10 bytes buffered");
		// Whatever the stalled peer sends afterwards is discarded.
		assertThat(channel.writeInbound(input(frame, 10, frame.length))).isFalse();
		advance(channel, STALL_MILLIS * 3);
		assertThatNoException().isThrownBy(channel::checkException);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void stallTimeoutShouldCountFromTheLastByte() {
		EmbeddedChannel channel = channel();
		byte[] blob = message("slow but steady");
		byte[] frame = frame(blob);
		// One byte every 3/4 of the stall timeout: the frame takes far longer than the
		// timeout, yet never stalls.
		for (int i = 0; i < frame.length; i++) {
			channel.writeInbound(input(frame, i, i + 1));
			advance(channel, STALL_MILLIS * 3 / 4);
			channel.checkException();
		}
		assertDecoded(channel.readInbound(), blob);
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void idleChannelWithoutPartialFrameShouldNeverStall() {
		EmbeddedChannel channel = channel();
		byte[] blob = message("then silence");
		for (int period = 0; period < 5; period++) {
			advance(channel, STALL_MILLIS);
			channel.checkException();
		}
		channel.writeInbound(input(frame(blob)));
		assertDecoded(channel.readInbound(), blob);
		for (int period = 0; period < 5; period++) {
			advance(channel, STALL_MILLIS);
			channel.checkException();
		}
		assertThat(channel.isOpen()).isTrue();
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	@Test
	void idleChannelShouldNotPollTheStallCheckContinuously() {
		EmbeddedChannel channel = channel();
		advance(channel, STALL_MILLIS * 5);
		channel.checkException();
		// The next check of an idle link is a stall period away, not a busy 1 ms loop.
		long nextCheckNanos = channel.runScheduledPendingTasks();
		assertThat(nextCheckNanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS / 2));
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void partialFrameAtCloseShouldBeReleasedWithoutAFault() {
		EmbeddedChannel channel = channel();
		byte[] frame = frame(message("cut off"));
		channel.writeInbound(input(frame, 0, frame.length / 2));
		assertThat(channel.finish()).isFalse();
		assertInputsReleased();
	}

	// ---------------------------------------------------------------- helpers

	private EmbeddedChannel channel() {
		EmbeddedChannel channel = EmbeddedChannel.builder()
			.ticker(this.ticker)
			.handlers(new FrameDecoder(MAX_FRAME_LENGTH, TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)))
			.build();
		this.channels.add(channel);
		return channel;
	}

	private void advance(EmbeddedChannel channel, long millis) {
		this.ticker.advance(millis, TimeUnit.MILLISECONDS);
		channel.runScheduledPendingTasks();
	}

	/**
	 * A leak-tracked copy of the bytes that the decoder must release. It cannot grow, so
	 * the decoder's cumulation has to allocate from the channel's allocator to merge
	 * inputs.
	 */
	private ByteBuf input(byte[] bytes, int from, int to) {
		int capacity = Math.max(1, to - from);
		ByteBuf buffer = Unpooled.buffer(capacity, capacity).writeBytes(bytes, from, to - from);
		this.inputs.add(buffer);
		return buffer;
	}

	private ByteBuf input(byte[] bytes) {
		return input(bytes, 0, bytes.length);
	}

	private void assertInputsReleased() {
		assertThat(this.inputs).allSatisfy((buffer) -> assertThat(buffer.refCnt()).isZero());
	}

	/** A message blob of exactly {@code length} bytes (checksum included). */
	static byte[] messageOfLength(int length) {
		// Start just below: the str header takes 1 to 3 bytes depending on the padding
		// length.
		int padding = Math.max(0, length - message("").length - 3);
		byte[] blob = message("x".repeat(padding));
		while (blob.length < length) {
			blob = message("x".repeat(++padding));
		}
		assertThat(blob).hasSize(length);
		return blob;
	}

	private static byte[] seal(byte[] blob, Compression compression) {
		try (BlobCodec codec = new BlobCodec(Integer.MAX_VALUE)) {
			return codec.seal(blob, compression);
		}
	}

	static byte[] message(String text) {
		return MessageCodec.encode(Flags.WHISPER, SENDER, TIME, List.of(0x30, text));
	}

	static byte[] header(long length) {
		return ByteBuffer.allocate(4).putInt((int) length).array();
	}

	static byte[] frame(byte[] blob) {
		return concat(header(blob.length), blob);
	}

	static byte[] concat(byte[] a, byte[] b) {
		byte[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

	private static byte[] withChecksum(byte[] body) {
		byte[] blob = new byte[32 + body.length];
		Ids.sha256Into(body, 0, body.length, blob, 0);
		System.arraycopy(body, 0, blob, 32, body.length);
		return blob;
	}

	static void assertDecoded(Object decoded, byte[] blob) {
		assertThat(decoded).isInstanceOfSatisfying(WireMessage.class, (message) -> {
			assertThat(message.blob()).containsExactly(blob);
			assertThat(message.sender()).isEqualTo(SENDER);
			assertThat(message.msgType()).isEqualTo(Flags.WHISPER);
		});
	}

	static void assertFault(Throwable thrown, LinkFault fault) {
		Throwable root = (thrown instanceof DecoderException && thrown.getCause() != null) ? thrown.getCause() : thrown;
		assertThat(root).isInstanceOfSatisfying(WireFormatException.class,
				(ex) -> assertThat(ex.fault()).isEqualTo(fault));
	}

	/**
	 * Heap buffers that count every byte array they allocate, including when they grow.
	 */
	static final class CountingAllocator extends AbstractByteBufAllocator {

		final LongAdder allocatedBytes = new LongAdder();

		CountingAllocator() {
			super(false);
		}

		@Override
		protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
			return new CountingBuf(this, initialCapacity, maxCapacity);
		}

		@Override
		protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
			return new CountingBuf(this, initialCapacity, maxCapacity);
		}

		@Override
		public boolean isDirectBufferPooled() {
			return false;
		}

		private final class CountingBuf extends UnpooledHeapByteBuf {

			CountingBuf(ByteBufAllocator allocator, int initialCapacity, int maxCapacity) {
				super(allocator, initialCapacity, maxCapacity);
			}

			@Override
			protected byte[] allocateArray(int length) {
				CountingAllocator.this.allocatedBytes.add(length);
				return super.allocateArray(length);
			}

		}

	}

}
