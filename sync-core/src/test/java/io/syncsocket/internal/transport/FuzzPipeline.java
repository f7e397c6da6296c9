package io.syncsocket.internal.transport;

import io.netty.channel.Channel;

/**
 * Test-only door for {@code io.syncsocket.fuzz}: installs a link's pipeline on a channel
 * exactly as {@link Transport}'s initializer does ({@link FrameDecoder},
 * {@link FrameEncoder}, {@link LinkHandler}), so the fuzz suite can drive the real
 * handlers on an {@code EmbeddedChannel} without widening their visibility in production
 * code.
 */
public final class FuzzPipeline {

	private FuzzPipeline() {
	}

	/**
	 * Adds the three handlers to {@code channel}'s pipeline (call before the channel is
	 * registered, so {@code channelActive} reaches the listener) and returns the link.
	 */
	public static Link install(Channel channel, int maxFrameLength, long stallTimeoutNanos, LinkListener listener) {
		FrameEncoder encoder = new FrameEncoder(maxFrameLength);
		LinkHandler link = new LinkHandler(channel, false, listener, encoder);
		channel.pipeline()
			.addLast("frameDecoder", new FrameDecoder(maxFrameLength, stallTimeoutNanos))
			.addLast("frameEncoder", encoder)
			.addLast("link", link);
		return link;
	}

}
