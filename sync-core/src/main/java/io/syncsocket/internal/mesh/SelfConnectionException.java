package io.syncsocket.internal.mesh;

import io.syncsocket.SocketClosedException;

/**
 * A dial reached this node itself: the address dialed is one of ours. Internal: callers
 * of {@code MeshSocket.connect} get a plain {@link SocketClosedException}.
 */
final class SelfConnectionException extends SocketClosedException {

	private static final long serialVersionUID = 1L;

	SelfConnectionException() {
		super("the address dialed is this node itself");
	}

}
