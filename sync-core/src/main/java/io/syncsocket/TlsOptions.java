package io.syncsocket;

import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;

/**
 * Immutable TLS settings of a socket whose protocol encryption is {@link Protocol#SSL}
 * (set with {@link MeshOptions.Builder#tls(TlsOptions)}). Two modes:
 *
 * <ul>
 * <li>{@link Mode#COMPATIBLE}: what js2p's {@code SSL} transport does. The node presents
 * a certificate (a self-signed one generated at start, or the key material given) and
 * accepts any certificate, or none, from its peers. Links are encrypted against
 * eavesdroppers, but anyone can join and an active man-in-the-middle is not
 * detected.</li>
 * <li>{@link Mode#VERIFIED}: mutual TLS. The node presents the certificate of its key
 * material and requires every peer, dialed or accepted, to present a certificate chain
 * the trust material trusts; a node without one cannot join.</li>
 * </ul>
 *
 * <p>
 * Key and trust material are the JDK's {@link KeyManagerFactory} and
 * {@link TrustManagerFactory}, initialised by the caller (a Spring Boot {@code SslBundle}
 * gives both). Peers are identified by their certificates, not by host names: there is no
 * host-name verification, since nodes dial whatever addresses peer lists advertise. The
 * certificate is not bound to the node id a peer claims in its handshake. Every node is
 * both a TLS server and a TLS client, so a certificate with an extended key usage must
 * allow both {@code serverAuth} and {@code clientAuth}. Material the JDK cannot use makes
 * {@link MeshSocket#start()} fail with a {@link SyncSocketException}; a link whose
 * handshake fails is closed and counted as {@link LinkFault#TLS_HANDSHAKE_FAILED}.
 *
 * <p>
 * The self-signed certificate of compatible mode is an EC P-256 key with an X.509
 * certificate made in-process with public JDK APIs (no BouncyCastle, no temporary files),
 * a new one each time a socket starts.
 *
 * <pre>{@code
 * TlsOptions tls = TlsOptions.verified(keyManagerFactory, trustManagerFactory).build();
 * MeshOptions options = MeshOptions.builder()
 *     .protocol(new Protocol("mesh", Protocol.SSL))
 *     .tls(tls)
 *     .build();
 * }</pre>
 */
public final class TlsOptions {

	/** How peers' certificates are treated. */
	public enum Mode {

		/** js2p-like: present a certificate (self-signed by default), accept any peer. */
		COMPATIBLE,

		/**
		 * Mutual TLS: present the configured certificate and require a trusted one from
		 * every peer.
		 */
		VERIFIED

	}

	private static final TlsOptions COMPATIBLE = new Builder(Mode.COMPATIBLE).build();

	private final Mode mode;

	private final @Nullable KeyManagerFactory keyManagerFactory;

	private final @Nullable TrustManagerFactory trustManagerFactory;

	private final List<String> protocols;

	private final List<String> ciphers;

	private TlsOptions(Builder builder) {
		this.mode = builder.mode;
		this.keyManagerFactory = builder.keyManagerFactory;
		this.trustManagerFactory = builder.trustManagerFactory;
		this.protocols = builder.protocols;
		this.ciphers = builder.ciphers;
	}

	/**
	 * js2p-compatible TLS: a self-signed certificate generated at start, peers not
	 * verified. The default of a socket whose encryption is {@link Protocol#SSL}.
	 */
	public static TlsOptions compatible() {
		return COMPATIBLE;
	}

	/**
	 * A builder for {@link Mode#COMPATIBLE}, e.g. to present a fixed certificate or
	 * restrict protocols.
	 */
	public static Builder compatibleBuilder() {
		return new Builder(Mode.COMPATIBLE);
	}

	/**
	 * A builder for {@link Mode#VERIFIED} (mutual TLS) with this node's key and
	 * certificate chain and the trust material peers' certificates must chain to.
	 */
	public static Builder verified(KeyManagerFactory keyManagerFactory, TrustManagerFactory trustManagerFactory) {
		return new Builder(Mode.VERIFIED).keyManagerFactory(keyManagerFactory).trustManagerFactory(trustManagerFactory);
	}

	/** A builder initialised with these options. */
	public Builder mutate() {
		return new Builder(this);
	}

	public Mode mode() {
		return this.mode;
	}

	/**
	 * This node's key and certificate chain; null in {@link Mode#COMPATIBLE} mode to
	 * generate a self-signed certificate at start.
	 */
	public @Nullable KeyManagerFactory keyManagerFactory() {
		return this.keyManagerFactory;
	}

	/**
	 * What peers' certificates must chain to ({@link Mode#VERIFIED}); null in compatible
	 * mode.
	 */
	public @Nullable TrustManagerFactory trustManagerFactory() {
		return this.trustManagerFactory;
	}

	/**
	 * The enabled TLS protocol versions (e.g. {@code TLSv1.3}); empty for the JDK's
	 * defaults.
	 */
	public List<String> protocols() {
		return this.protocols;
	}

	/** The enabled cipher suites; empty for the JDK's defaults. */
	public List<String> ciphers() {
		return this.ciphers;
	}

	@Override
	public String toString() {
		return "TlsOptions[mode=" + this.mode + ", keyMaterial="
				+ ((this.keyManagerFactory != null) ? "configured" : "self-signed") + ", protocols=" + this.protocols
				+ ", ciphers=" + this.ciphers + "]";
	}

	/**
	 * Builds {@link TlsOptions}; {@link #build()} checks that the mode has the material
	 * it needs.
	 */
	public static final class Builder {

		private final Mode mode;

		private @Nullable KeyManagerFactory keyManagerFactory;

		private @Nullable TrustManagerFactory trustManagerFactory;

		private List<String> protocols = List.of();

		private List<String> ciphers = List.of();

		private Builder(Mode mode) {
			this.mode = mode;
		}

		private Builder(TlsOptions options) {
			this.mode = options.mode;
			this.keyManagerFactory = options.keyManagerFactory;
			this.trustManagerFactory = options.trustManagerFactory;
			this.protocols = options.protocols;
			this.ciphers = options.ciphers;
		}

		/**
		 * This node's key and certificate chain (required in {@link Mode#VERIFIED} mode).
		 */
		public Builder keyManagerFactory(@Nullable KeyManagerFactory keyManagerFactory) {
			this.keyManagerFactory = keyManagerFactory;
			return this;
		}

		/**
		 * The trust material for peers' certificates (required in {@link Mode#VERIFIED},
		 * refused in compatible mode).
		 */
		public Builder trustManagerFactory(@Nullable TrustManagerFactory trustManagerFactory) {
			this.trustManagerFactory = trustManagerFactory;
			return this;
		}

		/**
		 * Restricts the TLS protocol versions, e.g. {@code TLSv1.3}; empty for the JDK's
		 * defaults.
		 */
		public Builder protocols(List<String> protocols) {
			this.protocols = requireNames(protocols, "protocols");
			return this;
		}

		/** Restricts the cipher suites; empty for the JDK's defaults. */
		public Builder ciphers(List<String> ciphers) {
			this.ciphers = requireNames(ciphers, "ciphers");
			return this;
		}

		/**
		 * The options.
		 * @throws IllegalArgumentException if {@link Mode#VERIFIED} lacks key or trust
		 * material, or {@link Mode#COMPATIBLE} was given trust material it would ignore
		 */
		public TlsOptions build() {
			if (this.mode == Mode.VERIFIED) {
				if (this.keyManagerFactory == null) {
					throw new IllegalArgumentException(
							"keyManagerFactory: null (expected: this node's key and certificate in VERIFIED mode)");
				}
				if (this.trustManagerFactory == null) {
					throw new IllegalArgumentException(
							"trustManagerFactory: null (expected: trust material for peers' certificates in VERIFIED mode)");
				}
			}
			else if (this.trustManagerFactory != null) {
				throw new IllegalArgumentException(
						"trustManagerFactory: set in COMPATIBLE mode, which verifies no peer "
								+ "(expected: null, or mode VERIFIED)");
			}
			return new TlsOptions(this);
		}

		private static List<String> requireNames(List<String> names, String name) {
			Objects.requireNonNull(names, () -> "'" + name + "' must not be null");
			for (String value : names) {
				Objects.requireNonNull(value, () -> "'" + name + "' must not contain null");
				if (value.isBlank()) {
					throw new IllegalArgumentException(name + ": blank entry (expected: names)");
				}
			}
			return List.copyOf(names);
		}

	}

}
