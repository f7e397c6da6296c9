package io.syncsocket.internal.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.syncsocket.Peer;
import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.RawMsgpack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full-state transfer (PROTOCOL.md §7.5): streams this node's entries and tombstones to a
 * peer in chunks. Under the node lock; {@link InitialSync} tells when the first state
 * this node received has arrived.
 */
final class StateTransfer {

	private static final Logger logger = LoggerFactory.getLogger(StateTransfer.class);

	/** Entries written per turn of a state stream before other work gets the loop. */
	private static final int STATE_CHUNK = 1024;

	/**
	 * A state stream waits while more than this is queued for its link (bounds the memory
	 * a join costs).
	 */
	private static final long STATE_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

	private final MeshNode mesh;

	private final Map<SyncKey, Version> data;

	private final Map<SyncKey, Version> tombstones;

	StateTransfer(MeshNode mesh, Map<SyncKey, Version> data, Map<SyncKey, Version> tombstones) {
		this.mesh = mesh;
		this.data = data;
		this.tombstones = tombstones;
	}

	/** Sends this node's full state to a peer that just connected or asked for it. */
	void sendState(Connection to) {
		Peer peer = to.peer();
		// Only syncsocket merges deletions; js2p and py2p drop links on a nil store for
		// an absent key.
		List<Map.Entry<SyncKey, Version>> tombstones = (peer != null && peer.dialect() == Peer.Dialect.SYNCSOCKET)
				? new ArrayList<>(this.tombstones.entrySet()) : List.of();
		new StateStream(to, this.data.entrySet().iterator(), tombstones.iterator()).run();
	}

	/**
	 * The full state sent to one peer (PROTOCOL.md §7.5) in chunks: each chunk is flushed
	 * at once (the peer starts applying while the rest is encoded) and the stream waits
	 * while its link has too much queued, so a large state neither holds the node loop
	 * nor piles up in memory. Entries that change meanwhile also reach the peer as live
	 * broadcasts; the merge order keeps the newer version whatever arrives last.
	 */
	private final class StateStream implements Runnable {

		private final Connection to;

		private final Iterator<Map.Entry<SyncKey, Version>> entries;

		private final Iterator<Map.Entry<SyncKey, Version>> tombstones;

		private int sent;

		StateStream(Connection to, Iterator<Map.Entry<SyncKey, Version>> entries,
				Iterator<Map.Entry<SyncKey, Version>> tombstones) {
			this.to = to;
			this.entries = entries;
			this.tombstones = tombstones;
		}

		@Override
		public void run() {
			if (!this.to.isOpen()) {
				return;
			}
			if (this.to.queuedBytes() > STATE_MAX_QUEUED_BYTES) {
				StateTransfer.this.mesh.loop().schedule(this, Duration.ofMillis(1));
				return;
			}
			int chunk = 0;
			while (chunk < STATE_CHUNK && this.entries.hasNext()) {
				Map.Entry<SyncKey, Version> entry = this.entries.next();
				Version version = entry.getValue();
				StateTransfer.this.mesh.outbox()
					.whisper(this.to, List.of(Flags.STORE, entry.getKey().bytes(),
							new RawMsgpack(Objects.requireNonNull(version.value)), version.owner, version.timestamp));
				chunk++;
			}
			while (chunk < STATE_CHUNK && this.tombstones.hasNext()) {
				Map.Entry<SyncKey, Version> entry = this.tombstones.next();
				Version tombstone = entry.getValue();
				StateTransfer.this.mesh.outbox()
					.whisper(this.to, List.of(Flags.STORE, entry.getKey().bytes(), Version.NIL_PACKET, tombstone.owner,
							tombstone.timestamp));
				chunk++;
			}
			this.sent += chunk;
			if (this.entries.hasNext() || this.tombstones.hasNext()) {
				StateTransfer.this.mesh.outbox().flush(this.to);
				StateTransfer.this.mesh.loop().execute(this);
			}
			else {
				logger.debug("Sent {} state entries to {}", this.sent, this.to);
			}
		}

	}

}
