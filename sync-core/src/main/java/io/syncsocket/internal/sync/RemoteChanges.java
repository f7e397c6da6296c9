package io.syncsocket.internal.sync;

import java.util.List;
import java.util.Map;

import io.syncsocket.Leasing;
import io.syncsocket.SyncEvent;
import io.syncsocket.ValueTypeException;
import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.RawMsgpack;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a store or delta from a peer changes this node (PROTOCOL.md §7.4, plus
 * the merge rules below) and commits it if so; a refusal is counted.
 *
 * <p>
 * Only on the node loop, under the node lock. What differs from js2p, on the same wire:
 * full-state entries for present keys and changes meeting a tombstone are merged with
 * {@link LeaseRule#wins} so partitioned nodes converge; a state-transfer entry that
 * changes this node is re-broadcast (5-packet) so the rest of this node's side of the
 * mesh converges too.
 */
final class RemoteChanges {

	private final MeshNode mesh;

	private final Replica replica;

	private final Leasing leasing;

	private final SyncCounters counters;

	private final Commits commits;

	private final InitialSync initialSync;

	RemoteChanges(MeshNode mesh, Replica replica, Leasing leasing, SyncCounters counters, Commits commits,
			InitialSync initialSync) {
		this.mesh = mesh;
		this.replica = replica;
		this.leasing = leasing;
		this.counters = counters;
		this.commits = commits;
		this.initialSync = initialSync;
	}

	/**
	 * A live change, or a full-state entry (whispered in a state transfer, or relayed).
	 */
	void store(Connection from, WireMessage message, SyncMessages.Store store) {
		SyncKey key = store.key();
		byte[] value = store.value();
		if (!store.fullState()) {
			applyLive(key, new Version(value, store.owner(), store.timestamp()), SyncEvent.Origin.REMOTE);
			return;
		}
		boolean whisper = message.msgType() == Flags.WHISPER;
		if (whisper) {
			this.initialSync.stateEntryReceived();
		}
		Version candidate = new Version(value, store.owner(), store.timestamp());
		if (mergeStateEntry(key, candidate, whisper ? SyncEvent.Origin.STATE_TRANSFER : SyncEvent.Origin.REMOTE)
				&& whisper) {
			// The rest of this node's side of the mesh may hold the losing version too.
			this.mesh.outbox()
				.broadcastOnce(
						List.of(Flags.STORE, key.bytes(), (value != null) ? new RawMsgpack(value) : Version.NIL_PACKET,
								candidate.owner, candidate.timestamp),
						store.recipients(), from);
		}
	}

	/**
	 * A delta merged into the map at its key; a delta onto a value that is not a map is
	 * ignored (and counted), as js2p does (PROTOCOL.md §7.3).
	 */
	void delta(SyncMessages.Delta message) {
		SyncKey key = message.key();
		Map<?, ?> delta = message.delta();
		Version candidateMeta = new Version(null, message.owner(), message.timestamp());
		Version current = this.replica.current(key);
		if (!liveChangeAllowed(key, current, candidateMeta, true)) {
			return;
		}
		Map<Object, @Nullable Object> merged;
		try {
			merged = Deltas.mergeable(key, current);
		}
		catch (ValueTypeException ex) {
			this.counters.ignoredDeltas.increment();
			return;
		}
		Deltas.merge(merged, delta);
		this.counters.remoteUpdates.increment();
		this.commits.update(key, new Version(Msgpack.encode(merged), candidateMeta.owner, candidateMeta.timestamp),
				SyncEvent.Origin.REMOTE);
	}

	/**
	 * A live change (3-packet store): the exact lease predicate, and never losing to a
	 * tombstone or older than the stored version of the same owner (see
	 * {@link #liveChangeAllowed}).
	 */
	private void applyLive(SyncKey key, Version candidate, SyncEvent.Origin origin) {
		Version current = this.replica.current(key);
		if (!liveChangeAllowed(key, current, candidate, false)) {
			return;
		}
		if (candidate.isTombstone()) {
			if (current != null) {
				this.commits.delete(key, candidate, origin);
			}
			else {
				this.replica.rememberTombstone(key, candidate);
			}
			return;
		}
		this.counters.remoteUpdates.increment();
		this.commits.update(key, candidate, origin);
	}

	/**
	 * A full-state entry (5-packet store): applied to an absent key as the predicate
	 * says, merged by {@link LeaseRule#wins} with a present key or a tombstone.
	 * @return whether this node's state changed
	 */
	private boolean mergeStateEntry(SyncKey key, Version candidate, SyncEvent.Origin origin) {
		Version current = this.replica.current(key);
		Version existing = (current != null) ? current : this.replica.tombstoneVersion(key);
		if (existing != null && !LeaseRule.wins(candidate, existing)) {
			if (LeaseRule.wins(existing, candidate)) {
				this.counters.staleRejections.increment();
			}
			return false;
		}
		if (candidate.isTombstone()) {
			if (current != null) {
				this.commits.delete(key, candidate, origin);
			}
			else {
				this.replica.rememberTombstone(key, candidate);
			}
			return true;
		}
		if (origin == SyncEvent.Origin.STATE_TRANSFER) {
			this.counters.stateTransferUpdates.increment();
		}
		else {
			this.counters.remoteUpdates.increment();
		}
		this.commits.update(key, candidate, origin);
		return true;
	}

	/**
	 * A live change (3-packet store or delta) is applied if it does not lose to the key's
	 * tombstone and the lease predicate allows it; a refusal is counted.
	 */
	private boolean liveChangeAllowed(SyncKey key, @Nullable Version current, Version candidate, boolean delta) {
		if (current == null && (isOlderThanTombstone(key, candidate) || isOlderThanTombstoneMemory(candidate))) {
			this.counters.staleRejections.increment();
			return false;
		}
		if (current != null && current.owner.equals(candidate.owner) && candidate.timestamp < current.timestamp) {
			// A node's own versions only move forward: an older one of the same owner is
			// a copy that lagged on a longer path (§7.4 rule 2 would let it overwrite the
			// newer one).
			this.counters.staleRejections.increment();
			return false;
		}
		if (!LeaseRule.allows(current, candidate.owner, candidate.timestamp, delta, this.leasing.enforced(),
				this.mesh.nowSeconds())) {
			this.counters.leaseRejections.increment();
			return false;
		}
		return true;
	}

	/**
	 * Whether a live change to an absent key loses against its tombstone in the merge
	 * order: it is older, or of the same second from a larger owner id. That is the
	 * tie-break the lease predicate (rule 5) applies when a delete meets the value, so a
	 * delete and a write that cross in flight within one second end the same way on every
	 * node.
	 */
	private boolean isOlderThanTombstone(SyncKey key, Version candidate) {
		Version tombstone = this.replica.tombstoneVersion(key);
		return tombstone != null && !LeaseRule.wins(candidate, tombstone);
	}

	/**
	 * Whether a live change is older than the tombstone retention: a delete that beat it
	 * may have been forgotten already, so it must not bring an absent key back. Only a
	 * change delayed for longer than the retention (a slow reader, a retention shorter
	 * than the 60 s broadcast horizon) is; if its key was not deleted, anti-entropy
	 * brings the author's version.
	 */
	private boolean isOlderThanTombstoneMemory(Version candidate) {
		return this.replica.isOlderThanTombstoneMemory(candidate, this.mesh.nowSeconds());
	}

}
