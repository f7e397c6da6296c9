package io.syncsocket;

/**
 * Hears about every change to a {@link SyncSocket}'s dictionary: local writes, remote
 * broadcasts and state transfers.
 *
 * <p>
 * Threading: called on the socket's node loop, in commit order, after the change is
 * visible to {@code get}; or on the listener executor
 * ({@link MeshThreads#listenerExecutor()}) if one is set (in order only if that executor
 * is serial). Callbacks must not block, and must not call blocking socket methods on the
 * node loop (that fails fast); hand work to another thread instead. A listener that
 * throws is logged and never disturbs the socket.
 */
public interface SyncListener {

	/** A key was set or a delta merged into it. */
	default void onUpdate(SyncEvent event) {
	}

	/** A key was deleted. */
	default void onDelete(SyncEvent event) {
	}

}
