package io.syncsocket.internal.mesh;

import java.util.List;
import java.util.function.Predicate;

import io.syncsocket.internal.wire.WireMessage;

/**
 * The protocol layer above the mesh (the sync dictionary). All calls happen under the
 * node lock: {@link #recipients} also on a user thread running a write inline, the others
 * on the node loop.
 */
public interface MeshExtension {

	/**
	 * Offers a message after the mesh's own handlers passed on it. Returns true to claim
	 * it (it is then neither queued for the user nor counted as unknown).
	 * @throws io.syncsocket.internal.wire.WireFormatException with INVALID_MESSAGE to
	 * have the link closed
	 */
	boolean handle(Connection from, WireMessage message);

	/**
	 * Which peers a broadcast with this payload may be written to (authored or relayed),
	 * decided once per message. Lets the sync layer spare js2p peers the nil stores that
	 * make js2p drop links.
	 */
	default Predicate<Connection> recipients(List<?> payload) {
		return Connection.ANY;
	}

	/**
	 * A peer finished its handshake, or asked with {@code request "*"}: the mesh has sent
	 * its peers message; send the state.
	 */
	void sendState(Connection to);

}
