package io.syncsocket.internal.wire;

/** Main flags and sub-flags of protocol 0.7 (PROTOCOL.md §4). */
public final class Flags {

	// main flags (msg_type)
	public static final int BROADCAST = 0x00;

	public static final int RENEGOTIATE = 0x01;

	public static final int WHISPER = 0x02;

	// sub-flags (p0)
	public static final int COMPRESSION = 0x01;

	public static final int HANDSHAKE = 0x05;

	public static final int PEERS = 0x07;

	public static final int REQUEST = 0x08;

	public static final int RESEND = 0x09;

	public static final int RESPONSE = 0x0A;

	public static final int STORE = 0x0B;

	public static final int DELTA = 0x11;

	/**
	 * syncsocket's own whisper {@code [0x20, digest]}: a 64-bit digest of the sender's
	 * dictionary, for anti-entropy. Sent only to syncsocket peers (0x20 is in the
	 * protocol's reserved range, unused by js2p and py2p).
	 */
	public static final int DIGEST = 0x20;

	/** Broadcasts older than this many seconds are dropped (PROTOCOL.md §6.2). */
	public static final int MAX_BROADCAST_AGE_SECONDS = 60;

	private Flags() {
	}

}
