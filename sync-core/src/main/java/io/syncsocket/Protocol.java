package io.syncsocket;

import java.util.Objects;

import io.syncsocket.internal.wire.Ids;

/**
 * A mesh's protocol: subnet and encryption. Only nodes with the same protocol id
 * ({@code base58(SHA-256(subnet + encryption + "0.7"))}, PROTOCOL.md §3.2) can connect.
 *
 * <p>
 * {@link SyncSocket} appends one character to the subnet ({@code "1"} with leasing,
 * {@code "0"} without) before computing the id, exactly as js2p and py2p do, so give it
 * the base subnet (default {@code "sync"}).
 *
 * <p>
 * The encryption name is part of the id, so a {@value #PLAINTEXT} mesh and an
 * {@value #SSL} mesh with the same subnet are separate networks. With {@value #SSL} every
 * link runs over TLS, set up by {@link MeshOptions.Builder#tls(TlsOptions)} (js2p-like
 * {@link TlsOptions#compatible() compatible} mode unless configured otherwise).
 *
 * @param subnet any text; {@code "mesh"} is the js2p default for a plain mesh socket
 * @param encryption the transport encryption, with js2p's names: {@value #PLAINTEXT} or
 * {@value #SSL}
 */
public record Protocol(String subnet, String encryption) {

	/** Plain TCP, js2p's and py2p's default. */
	public static final String PLAINTEXT = "Plaintext";

	/** TLS over TCP, js2p's {@code SSL} transport (PROTOCOL.md §1, §3.2). */
	public static final String SSL = "SSL";

	public Protocol {
		Objects.requireNonNull(subnet, "'subnet' must not be null");
		Objects.requireNonNull(encryption, "'encryption' must not be null");
		if (!PLAINTEXT.equals(encryption) && !SSL.equals(encryption)) {
			throw new IllegalArgumentException(
					"encryption: '" + encryption + "' (expected: '" + PLAINTEXT + "' or '" + SSL + "')");
		}
	}

	/** A plaintext protocol with the given subnet. */
	public static Protocol of(String subnet) {
		return new Protocol(subnet, PLAINTEXT);
	}

	/** Whether links of this protocol run over TLS ({@value #SSL}). */
	public boolean isTls() {
		return SSL.equals(this.encryption);
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
