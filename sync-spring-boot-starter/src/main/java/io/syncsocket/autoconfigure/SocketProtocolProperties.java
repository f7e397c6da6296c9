package io.syncsocket.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * The mesh's protocol ({@code protocol.*} of a socket's {@link SocketProperties}): only
 * nodes with the same subnet, encryption and leasing suffix connect.
 */
public class SocketProtocolProperties {

	/** Base subnet; the leasing mode appends 1 or 0. */
	private @Nullable String subnet;

	/**
	 * Transport encryption, js2p's names: Plaintext or SSL (TLS, configured with
	 * sync.ssl.*). Part of the protocol id: nodes with different encryption never
	 * connect.
	 */
	private @Nullable String encryption;

	public @Nullable String getSubnet() {
		return this.subnet;
	}

	public void setSubnet(@Nullable String subnet) {
		this.subnet = subnet;
	}

	public @Nullable String getEncryption() {
		return this.encryption;
	}

	public void setEncryption(@Nullable String encryption) {
		this.encryption = encryption;
	}

}
