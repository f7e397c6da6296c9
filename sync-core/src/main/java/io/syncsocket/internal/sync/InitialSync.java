package io.syncsocket.internal.sync;

import java.time.Duration;

import io.syncsocket.internal.mesh.MeshNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells when the first full state this node received has arrived: the protocol has no
 * end-of-state marker, so it waits for the state entries to go quiet.
 *
 * <p>
 * Under the node lock, except {@link #complete()} (any thread).
 */
final class InitialSync {

	private static final Logger logger = LoggerFactory.getLogger(InitialSync.class);

	private static final long STATE_QUIET_MILLIS = 300;

	private final MeshNode mesh;

	private final Replica replica;

	private volatile boolean complete;

	/** Whether this node is waiting for its first state transfer to go quiet. */
	private boolean watching;

	private long lastStateEntryNanos;

	InitialSync(MeshNode mesh, Replica replica) {
		this.mesh = mesh;
		this.replica = replica;
	}

	/**
	 * Whether the full state of a peer has arrived: this node connected to a peer, state
	 * entries came, and then {@value #STATE_QUIET_MILLIS} ms passed without another while
	 * a peer was connected (whichever link to it survived). It is a heuristic; it is true
	 * at once for a node that joins a peer with an empty dictionary (after the quiet
	 * period).
	 */
	boolean complete() {
		return this.complete;
	}

	/**
	 * Starts the watch, unless it runs or ended: this node sends a peer its state, and
	 * the peer (just connected, or asked) sends its own.
	 */
	void start() {
		if (this.complete || this.watching) {
			return;
		}
		this.watching = true;
		this.lastStateEntryNanos = this.mesh.loop().nanoTime();
		check();
	}

	/** A full-state entry arrived (it keeps the initial sync from looking complete). */
	void stateEntryReceived() {
		if (this.watching) {
			this.lastStateEntryNanos = this.mesh.loop().nanoTime();
		}
	}

	private void check() {
		if (this.complete) {
			return;
		}
		if (!this.mesh.routes().iterator().hasNext()) {
			// every peer left: the next one to connect starts the watch again
			this.watching = false;
			return;
		}
		long quietNanos = this.mesh.loop().nanoTime() - this.lastStateEntryNanos;
		long neededNanos = STATE_QUIET_MILLIS * 1_000_000;
		if (quietNanos >= neededNanos) {
			this.complete = true;
			this.watching = false;
			logger.debug("Initial state transfer complete ({} keys)", this.replica.size());
			return;
		}
		this.mesh.loop().schedule(this::check, Duration.ofNanos(neededNanos - quietNanos));
	}

}
