package io.syncsocket.internal.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.syncsocket.Peer;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MessageCodec;
import org.jspecify.annotations.Nullable;

/**
 * What one node sends: its own broadcasts, stamped so that no peer drops them as
 * duplicates, whispers, and the per-batch flush of every link written to. Under the node
 * lock.
 */
public final class Outbox {

	private final String id;

	private final java.time.Clock clock;

	private final LinkTable links;

	private final SeenSet seen;

	private final MeshCounters counters;

	private final int compressionThreshold;

	/**
	 * Connections written to in the current batch (or inline change), flushed when it
	 * ends.
	 */
	private final List<Connection> dirty = new ArrayList<>();

	Outbox(String id, java.time.Clock clock, LinkTable links, SeenSet seen, MeshCounters counters,
			int compressionThreshold) {
		this.id = id;
		this.clock = clock;
		this.links = links;
		this.seen = seen;
		this.counters = counters;
		this.compressionThreshold = compressionThreshold;
	}

	/**
	 * A broadcast this node authors, encoded and stamped by {@link #author}, sent by
	 * {@link #publish}. Under the node lock, within one task (the recipients are chosen
	 * when it is made).
	 */
	public static final class Authored {

		private final long time;

		private final byte @Nullable [] blob;

		private final List<Connection> targets;

		private final List<?> payload;

		Authored(List<?> payload, long time, byte @Nullable [] blob, List<Connection> targets) {
			this.payload = payload;
			this.time = time;
			this.blob = blob;
			this.targets = targets;
		}

		/** The second stamped on the message. */
		public long time() {
			return this.time;
		}

	}

	/**
	 * Encodes a broadcast of this node's own, stamped with the first second from
	 * {@code time} to {@code latest} at which this node has not sent the very same body:
	 * a peer drops a body it has already seen at that second as a duplicate (PROTOCOL.md
	 * §9 Q15), so a write repeated within a second needs another second to reach anybody.
	 * Changes nothing; send it with {@link #publish} in the same task.
	 * @return the message, or null if the body was sent at every second of the range
	 * already
	 */
	public @Nullable Authored author(List<?> payload, Predicate<Connection> recipients, long time, long latest) {
		List<Connection> targets = targets(recipients, null);
		if (targets.isEmpty()) {
			// nobody to tell (a node alone, or a joiner merging the state of its only
			// peer)
			return new Authored(payload, time, null, targets);
		}
		for (long second = time; second <= latest; second++) {
			byte[] blob = MessageCodec.encode(Flags.BROADCAST, this.id, second, payload);
			if (!this.seen.contains(blob, second)) {
				return new Authored(payload, second, blob, targets);
			}
		}
		return null;
	}

	/**
	 * Sends a message made by {@link #author} to its recipients and remembers it as seen.
	 */
	public void publish(Authored message) {
		byte[] blob = message.blob;
		if (blob == null) {
			return;
		}
		long now = nowSeconds();
		this.seen.add(blob, message.time, now);
		// a node that only writes must forget its own messages too
		this.seen.pruneUpTo(now - Flags.MAX_BROADCAST_AGE_SECONDS);
		for (Connection connection : message.targets) {
			write(connection, blob, true);
			connection.lastSentType = Flags.BROADCAST;
			connection.lastSentPayload = message.payload;
		}
	}

	/**
	 * Passes on, as this node's broadcast, something every recipient can also learn
	 * otherwise (a state entry that won a merge): not written to {@code exclude}, which
	 * already has it, and skipped if the same body already went out this second.
	 */
	public void broadcastOnce(List<?> payload, Predicate<Connection> recipients, @Nullable Connection exclude) {
		List<Connection> targets = targets(recipients, exclude);
		if (targets.isEmpty()) {
			return;
		}
		long now = nowSeconds();
		byte[] blob = MessageCodec.encode(Flags.BROADCAST, this.id, now, payload);
		if (this.seen.contains(blob, now)) {
			return;
		}
		publish(new Authored(payload, now, blob, targets));
	}

	private List<Connection> targets(Predicate<Connection> recipients, @Nullable Connection exclude) {
		Connection[] routes = this.links.routes();
		if (routes.length == 0) {
			return List.of();
		}
		List<Connection> targets = new ArrayList<>(routes.length);
		for (Connection connection : routes) {
			if (connection != exclude && recipients.test(connection)) {
				targets.add(connection);
			}
		}
		return targets;
	}

	/** Whispers a payload to one connection. */
	public void whisper(Connection connection, List<?> payload) {
		byte[] blob = MessageCodec.encode(Flags.WHISPER, this.id, nowSeconds(), payload);
		write(connection, blob, true);
		connection.lastSentType = Flags.WHISPER;
		connection.lastSentPayload = payload;
	}

	/** Queues a blob on a connection, flushed when the batch (or inline change) ends. */
	void write(Connection connection, byte[] blob, boolean compressible) {
		connection.link.enqueue(blob, compressible && worthCompressing(connection, blob));
		if (!connection.dirty) {
			connection.dirty = true;
			this.dirty.add(connection);
		}
		this.counters.sent(blob.length);
	}

	/**
	 * Small frames go raw to syncsocket peers (they decode raw-first); other peers get
	 * all compressed (§5.6).
	 */
	private boolean worthCompressing(Connection connection, byte[] blob) {
		return blob.length >= this.compressionThreshold || connection.dialect() != Peer.Dialect.SYNCSOCKET;
	}

	/**
	 * Writes what is queued for one connection now, rather than at the end of the batch.
	 */
	public void flush(Connection connection) {
		connection.link.flush();
	}

	/** Batch hook of the node loop: one hand-over and one flush per link per batch. */
	void flushLinks() {
		for (Connection connection : this.dirty) {
			connection.dirty = false;
			connection.link.flush();
		}
		this.dirty.clear();
	}

	private long nowSeconds() {
		return Math.floorDiv(this.clock.millis(), 1000);
	}

}
