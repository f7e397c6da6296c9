package io.syncsocket;

/**
 * Hears about peers joining and leaving. Called on the socket's node loop (or the
 * listener executor) in the order things happened; it must not block. Exceptions are
 * logged and ignored.
 */
public interface PeerListener {

	/** A peer completed its handshake. */
	default void peerConnected(Peer peer) {
	}

	/** A handshaken peer's link closed. */
	default void peerDisconnected(Peer peer) {
	}

}
