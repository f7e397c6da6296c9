package io.syncsocket.internal.transport;

import io.syncsocket.LinkFault;
import io.syncsocket.internal.wire.WireMessage;

/**
 * What the transport reports about links. Called on the link's I/O thread, in order for
 * each link: implementations hand the work to their own loop and never block.
 */
public interface LinkListener {

	/** The TCP connection exists (dialed or accepted); nothing was received yet. */
	void linkActive(Link link);

	/** A complete, verified, decoded message arrived. */
	void messageReceived(Link link, WireMessage message);

	/** Several messages arrived in one read, in order. */
	default void messagesReceived(Link link, java.util.List<WireMessage> messages) {
		for (WireMessage message : messages) {
			messageReceived(link, message);
		}
	}

	/**
	 * The transport detected a fault on the link; faults that close the link are followed
	 * by {@link #linkClosed}.
	 */
	void linkFault(Link link, LinkFault fault, String detail);

	/**
	 * An accepted connection was closed at once because of a limit; it never becomes a
	 * link.
	 */
	default void linkRefused(java.net.InetSocketAddress remote, LinkFault fault, String detail) {
	}

	/** The connection is gone. Called exactly once per active link. */
	void linkClosed(Link link);

}
