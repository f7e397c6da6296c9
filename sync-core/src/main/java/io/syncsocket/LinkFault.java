package io.syncsocket;

/**
 * What went wrong on one link. Faults are handled inside the socket (the link is closed
 * or the message ignored, as PROTOCOL.md prescribes); they never reach user code as
 * exceptions, but each is logged once with the peer and counted in {@link MeshStats}.
 */
public enum LinkFault {

	/**
	 * A length header announced a frame above the configured maximum; the link was
	 * closed.
	 */
	FRAME_TOO_LARGE(true),

	/**
	 * The blob's SHA-256 did not match, it was shorter than 32 bytes, or it did not
	 * decompress; closed.
	 */
	BAD_CHECKSUM(true),

	/**
	 * The body was not msgpack, not an array of at least 3 elements, or its header fields
	 * had the wrong types; closed.
	 */
	MALFORMED_MESSAGE(true),

	/** A handshake with the right element count but wrong element types; closed. */
	INVALID_HANDSHAKE(true),

	/**
	 * A handshake with the wrong element count; ignored, as js2p does (the link stays
	 * unregistered).
	 */
	IGNORED_HANDSHAKE(false),

	/** The peer's protocol id differs from ours; closed silently (PROTOCOL.md §5.3). */
	PROTOCOL_MISMATCH(true),

	/** A peer claimed our own node id (we dialed ourselves); closed. */
	SELF_CONNECTION(true),

	/**
	 * A peer advertising another address claimed our own node id: two live nodes share an
	 * id. Closed, and logged at ERROR.
	 */
	DUPLICATE_NODE_ID(true),

	/** A partially received frame saw no new bytes for the stall timeout; closed. */
	STALLED_FRAME(true),

	/** The peer sent no valid handshake within the handshake timeout; closed. */
	HANDSHAKE_TIMEOUT(true),

	/** A message other than a handshake arrived before the peer's handshake; ignored. */
	MESSAGE_BEFORE_HANDSHAKE(false),

	/**
	 * A main flag or sub-flag this node does not handle (ping, pong, 0x30 ...); ignored.
	 */
	UNKNOWN_FLAG(false),

	/**
	 * A well-formed message whose fields make no sense for its flag (a store without a
	 * key ...); closed.
	 */
	INVALID_MESSAGE(true),

	/**
	 * More bytes were queued for a peer than the per-link cap (it stopped reading);
	 * closed.
	 */
	SLOW_PEER(true),

	/**
	 * An incoming connection exceeded the inbound-link limits (total or per address);
	 * refused at once.
	 */
	CONNECTION_LIMIT(true),

	/**
	 * TLS failed on the link: the handshake did not complete (the peer's certificate is
	 * not trusted or missing, no common protocol or cipher, plaintext bytes on a TLS
	 * port) or a TLS alert or bad record arrived later (with TLS 1.3 a client learns only
	 * after its handshake that the server refused its certificate); closed.
	 */
	TLS_HANDSHAKE_FAILED(true),

	/** The connection failed at the socket level (reset, refused write ...); closed. */
	IO_ERROR(true);

	private final boolean closesLink;

	LinkFault(boolean closesLink) {
		this.closesLink = closesLink;
	}

	/**
	 * Whether this fault closes the link it happened on (otherwise the message is
	 * ignored).
	 */
	public boolean closesLink() {
		return this.closesLink;
	}

}
