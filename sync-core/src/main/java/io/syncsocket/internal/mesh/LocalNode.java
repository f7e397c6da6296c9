package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.syncsocket.internal.wire.Flags;

/**
 * Who this node says it is in its handshake (PROTOCOL.md §5.1): its id, its protocol id,
 * the address it tells peers to dial, and the compression ids it advertises and uses, in
 * its order of preference. Immutable.
 */
record LocalNode(String id, String protocolId, String advertisedHost, int advertisedPort, List<Integer> compression) {

	/** The payload of this node's handshake. */
	List<Object> handshake() {
		return List.of(Flags.HANDSHAKE, this.id, this.protocolId.getBytes(StandardCharsets.US_ASCII),
				List.of(this.advertisedHost, this.advertisedPort), this.compression);
	}

	/**
	 * Whether an address from a handshake or a peer list is the one this node advertises.
	 */
	boolean isOwnAddress(InetSocketAddress address) {
		return address.getPort() == this.advertisedPort && address.getHostString().equals(this.advertisedHost);
	}

}
