package io.syncsocket;

import java.util.Objects;

import io.syncsocket.internal.wire.Ids;

/**
 * A mesh's protocol: subnet and encryption. Only nodes with the same protocol id
 * ({@code base58(SHA-256(subnet + encryption + "0.7"))}, PROTOCOL.md §3.2) can connect.
 *
 * <p>{@link SyncSocket} appends one character to the subnet ({@code "1"} with leasing,
 * {@code "0"} without) before computing the id, exactly as js2p and py2p do, so give it
 * the base subnet (default {@code "sync"}).
 *
 * @param subnet any text; {@code "mesh"} is the js2p default for a plain mesh socket
 * @param encryption the transport encryption name; only {@value #PLAINTEXT} is supported
 */
public record Protocol(String subnet, String encryption) {

	/** Plain TCP, the only encryption this version implements. */
	public static final String PLAINTEXT = "Plaintext";

	public Protocol {
		Objects.requireNonNull(subnet, "'subnet' must not be null");
		Objects.requireNonNull(encryption, "'encryption' must not be null");
		if (!PLAINTEXT.equals(encryption)) {
			throw new IllegalArgumentException("encryption: '" + encryption + "' (expected: '" + PLAINTEXT + "')");
		}
	}

	/** A plaintext protocol with the given subnet. */
	public static Protocol of(String subnet) {
		return new Protocol(subnet, PLAINTEXT);
	}

	/** The protocol id peers compare in the handshake. */
	public String id() {
		return Ids.protocolId(this.subnet, this.encryption);
	}

	/** This protocol with {@code suffix} appended to the subnet. */
	public Protocol withSubnetSuffix(String suffix) {
		return new Protocol(this.subnet + suffix, this.encryption);
	}

}
