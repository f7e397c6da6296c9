package io.syncsocket.autoconfigure;

import io.syncsocket.TlsOptions;
import org.jspecify.annotations.Nullable;

/**
 * TLS settings ({@code ssl.*} of a socket's {@link SocketProperties}), used when the
 * protocol encryption is SSL.
 */
public class SocketSslProperties {

	/**
	 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) with this node's key and
	 * certificate and the trust material for peers' certificates.
	 */
	private @Nullable String bundle;

	/**
	 * How peers are authenticated: verified (mutual TLS, peers need a certificate the
	 * bundle trusts) or compatible (js2p-like, any peer is accepted). Default: verified
	 * when a bundle is set, compatible (with a self-signed certificate) otherwise.
	 */
	private TlsOptions.@Nullable Mode mode;

	public @Nullable String getBundle() {
		return this.bundle;
	}

	public void setBundle(@Nullable String bundle) {
		this.bundle = bundle;
	}

	public TlsOptions.@Nullable Mode getMode() {
		return this.mode;
	}

	public void setMode(TlsOptions.@Nullable Mode mode) {
		this.mode = mode;
	}

}
