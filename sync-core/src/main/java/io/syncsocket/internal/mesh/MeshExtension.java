package io.syncsocket.internal.mesh;

import java.util.function.Predicate;

import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * The protocol layer above the mesh (the sync dictionary). It claims the messages it
 * owns, parsed once into its own typed form: the mesh asks that form which peers a
 * broadcast is relayed to, then hands it over. All calls happen under the node lock, on
 * the node loop.
 */
public interface MeshExtension {

	/** A message this layer claimed, parsed and valid. */
	interface Claimed {

		/**
		 * Which peers this broadcast may be relayed to. Lets the sync layer spare js2p
		 * peers the nil stores that make js2p drop links.
		 */
		Predicate<Connection> recipients();

	}

	/**
	 * Parses a message after the mesh's own handlers passed on it: its typed form if this
	 * layer owns it (it is then neither queued for the user nor counted as unknown), else
	 * null.
	 * @throws io.syncsocket.internal.wire.WireFormatException with INVALID_MESSAGE if it
	 * is malformed: the link is closed and the broadcast not relayed
	 */
	@Nullable Claimed claim(WireMessage message);

	/** Applies a message {@link #claim} parsed (a broadcast after it was relayed). */
	void handle(Connection from, WireMessage message, Claimed claimed);

	/**
	 * A peer finished its handshake, or asked with {@code request "*"}: the mesh has sent
	 * its peers message; send the state.
	 */
	void sendState(Connection to);

}
