package io.syncsocket.internal.mesh;

import java.util.List;
import java.util.concurrent.Executor;

import io.syncsocket.Peer;
import io.syncsocket.PeerListener;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a socket's listener code (STYLE.md, threading rule 5): in commit order, on the
 * listener executor if one is set, else on the node loop once the current batch is done;
 * a listener that throws is logged and can never break the protocol. Called under the
 * node lock; the peer listeners are the socket's live, thread-safe list.
 */
final class Listeners {

	private static final Logger logger = LoggerFactory.getLogger(Listeners.class);

	private final @Nullable Executor executor;

	private final NodeExecutor loop;

	private final List<PeerListener> peerListeners;

	Listeners(@Nullable Executor executor, NodeExecutor loop, List<PeerListener> peerListeners) {
		this.executor = executor;
		this.loop = loop;
		this.peerListeners = peerListeners;
	}

	/**
	 * Hands listener code to the listener executor if one is set, else to the node loop,
	 * which runs it after the current batch; either way in commit order.
	 */
	void deliver(Runnable callback) {
		Runnable safe = () -> {
			try {
				callback.run();
			}
			catch (Throwable ex) {
				logger.warn("A listener threw; the socket ignores it", ex);
			}
		};
		if (this.executor != null) {
			this.executor.execute(safe);
		}
		else {
			this.loop.deliver(safe);
		}
	}

	void peerConnected(Peer peer) {
		for (PeerListener listener : this.peerListeners) {
			deliver(() -> listener.peerConnected(peer));
		}
	}

	void peerDisconnected(Peer peer) {
		for (PeerListener listener : this.peerListeners) {
			deliver(() -> listener.peerDisconnected(peer));
		}
	}

}
