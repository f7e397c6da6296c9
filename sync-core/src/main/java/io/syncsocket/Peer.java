package io.syncsocket;

import java.net.InetSocketAddress;
import java.time.Instant;

import io.syncsocket.internal.transport.Addresses;
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
 * @param compression the compression used on the link ({@code "zlib"}, {@code "gzip"}) or
 * null
 * @param dialect which implementation the peer's handshake encoding looks like
 */
public record Peer(String id, InetSocketAddress address, InetSocketAddress remoteAddress, Direction direction,
		Instant connectedSince, @Nullable String compression, Dialect dialect) {

	/**
	 * The implementation a peer appears to be, inferred from how its handshake is
	 * encoded: js2p sends the protocol id as str, py2p sends node ids as bin, and
	 * syncsocket sends node ids as str with the protocol id as bin (PROTOCOL.md §2.1,
	 * §5.1). Used to spare js2p peers the messages that make js2p drop links (PROTOCOL.md
	 * §9 Q1).
	 */
	public enum Dialect {

		/** Protocol id as str: js2p (which drops a link on a delete, §9 Q1). */
		JS2P,

		/** Node ids as bin: py2p. */
		PY2P,

		/**
		 * Node ids as str and protocol id as bin: syncsocket (or a node following
		 * PROTOCOL.md's Java advice).
		 */
		SYNCSOCKET

	}

	/** Who opened the TCP connection. */
	public enum Direction {

		/** The peer dialed this node. */
		INBOUND,

		/** This node dialed the peer. */
		OUTBOUND

	}

	/** Id, addresses as {@code host:port}, direction, dialect and compression. */
	@Override
	public String toString() {
		return "Peer[id=" + this.id + ", address=" + Addresses.text(this.address) + ", remoteAddress="
				+ Addresses.text(this.remoteAddress) + ", direction=" + this.direction + ", connectedSince="
				+ this.connectedSince + ", compression=" + this.compression + ", dialect=" + this.dialect + "]";
	}

}
