package io.syncsocket.internal.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.syncsocket.LinkFault;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.WireMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.syncsocket.internal.transport.FrameDecoderTests.frame;
import static io.syncsocket.internal.transport.FrameDecoderTests.header;
import static io.syncsocket.internal.transport.FrameDecoderTests.message;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The link pipeline as {@link Transport} builds it ({@link FrameDecoder},
 * {@link FrameEncoder}, {@link LinkHandler}) on an {@link EmbeddedChannel}: decoded
 * messages reach the listener, and every fault is reported exactly once, then the link
 * closes.
 */
class LinkHandlerTests {

	private static final int MAX_FRAME_LENGTH = 1024;

	private static final long STALL_MILLIS = 300;

	private final MockTicker ticker = Ticker.newMockTicker();

	private final RecordingListener listener = new RecordingListener();

	private final List<EmbeddedChannel> channels = new ArrayList<>();

	private LinkHandler link;

	@AfterEach
	void closeChannels() {
		for (EmbeddedChannel channel : this.channels) {
			channel.close();
			channel.releaseInbound();
			channel.releaseOutbound();
		}
	}

	@Test
	void messagesShouldReachTheListener() throws Exception {
		EmbeddedChannel channel = channel();
		byte[] blob = message("hello");
		byte[] frame = frame(blob);
		for (byte b : frame) {
			channel.writeInbound(Unpooled.buffer(1).writeByte(b));
		}
		assertThat(this.listener.events).containsExactly("active", "message");
		assertThat(this.listener.messages.get(0).blob()).containsExactly(blob);
		assertThat(this.link.isOpen()).isTrue();
		assertThat(channel.finish()).isFalse();
		assertThat(this.listener.events).containsExactly("active", "message", "closed");
	}

	@Test
	void oversizeLengthHeaderShouldReportOnceAndCloseLink() throws Exception {
		EmbeddedChannel channel = channel();
		channel.writeInbound(Unpooled.buffer(4).writeBytes(header(MAX_FRAME_LENGTH + 1)));
		assertThat(this.listener.events).containsExactly("active", "fault FRAME_TOO_LARGE", "closed");
		assertThat(channel.isOpen()).isFalse();
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void badChecksumShouldReportOnceAndCloseLink() throws Exception {
		EmbeddedChannel channel = channel();
		byte[] good = message("good");
		byte[] bad = message("bad");
		bad[5] ^= 0x01;
		ByteBuf input = Unpooled.buffer().writeBytes(frame(good)).writeBytes(frame(bad)).writeBytes(frame(good));
		channel.writeInbound(input);
		assertThat(input.refCnt()).isZero();
		assertThat(this.listener.events).containsExactly("active", "message", "fault BAD_CHECKSUM", "closed");
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void stalledPartialFrameShouldReportOnceAndCloseLink() throws Exception {
		EmbeddedChannel channel = channel();
		channel.writeInbound(Unpooled.buffer().writeBytes(frame(message("partial")), 0, 20));
		this.ticker.advance(STALL_MILLIS + 1, TimeUnit.MILLISECONDS);
		channel.runScheduledPendingTasks();
		channel.runPendingTasks();
		assertThat(this.listener.events).containsExactly("active", "fault STALLED_FRAME", "closed");
		assertThat(this.listener.details.get(0)).contains("20 bytes buffered");
		assertThat(channel.finish()).isFalse();
	}

	@Test
	void sendShouldFrameAndCompressAsConfigured() throws Exception {
		EmbeddedChannel channel = channel();
		byte[] blob = message("out ".repeat(40));
		this.link.compression(Compression.ZLIB);
		assertThat(this.link.compression()).isEqualTo(Compression.ZLIB);
		this.link.send(blob, true);
		this.link.send(blob, false);
		channel.runPendingTasks();
		assertFrame(channel, 0x78);
		assertFrame(channel, blob[0] & 0xff);
		assertThat(channel.finish()).isFalse();
	}

	private static void assertFrame(EmbeddedChannel channel, int firstBlobByte) {
		ByteBuf header = channel.readOutbound();
		ByteBuf blob = channel.readOutbound();
		try {
			assertThat(header.getInt(0)).isEqualTo(blob.readableBytes());
			assertThat(blob.getByte(0) & 0xff).isEqualTo(firstBlobByte);
		}
		finally {
			header.release();
			blob.release();
		}
	}

	private EmbeddedChannel channel() throws Exception {
		EmbeddedChannel channel = EmbeddedChannel.builder().ticker(this.ticker).register(false).build();
		this.channels.add(channel);
		FrameEncoder encoder = new FrameEncoder(MAX_FRAME_LENGTH);
		this.link = new LinkHandler(channel, false, this.listener, encoder);
		channel.pipeline()
			.addLast("frameDecoder", new FrameDecoder(MAX_FRAME_LENGTH, TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)))
			.addLast("frameEncoder", encoder)
			.addLast("link", this.link);
		channel.register();
		return channel;
	}

	private static final class RecordingListener implements LinkListener {

		final List<String> events = new ArrayList<>();

		final List<WireMessage> messages = new ArrayList<>();

		final List<String> details = new ArrayList<>();

		@Override
		public void linkActive(Link link) {
			this.events.add("active");
		}

		@Override
		public void messageReceived(Link link, WireMessage message) {
			this.events.add("message");
			this.messages.add(message);
		}

		@Override
		public void linkFault(Link link, LinkFault fault, String detail) {
			this.events.add("fault " + fault);
			this.details.add(detail);
		}

		@Override
		public void linkClosed(Link link) {
			this.events.add("closed");
		}

	}

}
