package io.syncsocket.internal.transport;

import java.security.GeneralSecurityException;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.syncsocket.SyncSocketException;
import io.syncsocket.TlsOptions;

/**
 * The two Netty {@link SslContext}s of a TLS transport, built once from
 * {@link TlsOptions}: a server context for accepted links and a client context for dialed
 * ones, both with the JDK provider.
 *
 * <p>
 * Compatible mode presents the configured or a freshly generated self-signed certificate,
 * asks accepted peers for none and accepts any certificate from dialed ones (js2p's
 * {@code SSL} transport does the same). Verified mode is mutual TLS: the server requires
 * a client certificate and both sides check the peer's chain against the trust material.
 * Host names are never verified: peers are identified by certificate, and they are dialed
 * at whatever address a peer list advertises. Immutable and thread-safe.
 */
final class TlsContexts {

	private final SslContext server;

	private final SslContext client;

	private TlsContexts(SslContext server, SslContext client) {
		this.server = server;
		this.client = client;
	}

	/**
	 * Builds both contexts.
	 * @throws SyncSocketException if the key or trust material is unusable, or the
	 * protocols or ciphers are not supported
	 */
	static TlsContexts create(TlsOptions options) {
		try {
			SslContextBuilder server;
			SslContextBuilder client = SslContextBuilder.forClient();
			if (options.keyManagerFactory() != null) {
				server = SslContextBuilder.forServer(options.keyManagerFactory());
				client.keyManager(options.keyManagerFactory());
			}
			else {
				SelfSignedCertificates.KeyAndCertificate generated = SelfSignedCertificates.generate();
				server = SslContextBuilder.forServer(generated.key(), generated.certificate());
				client.keyManager(generated.key(), generated.certificate());
			}
			if (options.mode() == TlsOptions.Mode.VERIFIED) {
				server.trustManager(options.trustManagerFactory()).clientAuth(ClientAuth.REQUIRE);
				client.trustManager(options.trustManagerFactory());
			}
			else {
				server.clientAuth(ClientAuth.NONE);
				client.trustManager(InsecureTrustManagerFactory.INSTANCE);
			}
			// Netty 4.2 verifies host names on clients by default; a mesh node dials
			// advertised addresses (often IPs) and identifies peers by certificate chain
			// instead.
			client.endpointIdentificationAlgorithm(null);
			for (SslContextBuilder builder : new SslContextBuilder[] { server, client }) {
				builder.sslProvider(SslProvider.JDK);
				if (!options.protocols().isEmpty()) {
					builder.protocols(options.protocols());
				}
				if (!options.ciphers().isEmpty()) {
					builder.ciphers(options.ciphers());
				}
			}
			return new TlsContexts(server.build(), client.build());
		}
		catch (SSLException | GeneralSecurityException | IllegalArgumentException ex) {
			throw new SyncSocketException("cannot set up TLS (" + options + "): " + ex.getMessage(), ex);
		}
	}

	/**
	 * A new TLS handler for one link: server side for accepted links, client side (with
	 * the peer's address for SNI and session reuse) for dialed ones. Its own handshake
	 * timeout is off: the mesh handshake timeout, started when the TCP connection exists,
	 * covers the TLS handshake too.
	 */
	SslHandler newHandler(ByteBufAllocator allocator, boolean outbound, String peerHost, int peerPort) {
		SslHandler handler = outbound ? this.client.newHandler(allocator, peerHost, peerPort)
				: this.server.newHandler(allocator);
		handler.setHandshakeTimeoutMillis(0);
		return handler;
	}

}
