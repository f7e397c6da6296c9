package io.syncsocket;

import java.net.InetSocketAddress;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A peer this node has a handshaken link to. An immutable snapshot.
 *
 * @param id the peer's node id
 * @param address the address the peer advertised in its handshake (what other nodes dial;
 * unresolved)
 * @param remoteAddress the remote end of the TCP connection
 * @param direction whether this node dialed the peer or accepted its connection
 * @param connectedSince when the peer's handshake was accepted
 * @param compression the compression used on the link ({@code "zlib"}, {@code "gzip"}) or null
 */
public record Peer(String id, InetSocketAddress address, InetSocketAddress remoteAddress, Direction direction,
		Instant connectedSince, @Nullable String compression) {

	/** Who opened the TCP connection. */
	public enum Direction {

		/** The peer dialed this node. */
		INBOUND,

		/** This node dialed the peer. */
		OUTBOUND

	}

}
