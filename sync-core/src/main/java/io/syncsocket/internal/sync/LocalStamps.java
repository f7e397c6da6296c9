package io.syncsocket.internal.sync;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import io.syncsocket.LeaseHeldException;
import io.syncsocket.Leasing;
import io.syncsocket.WriteConflictException;
import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.mesh.Outbox;

/**
 * Picks the second a local write is stamped with, so that every peer takes it, or refuses
 * the write before anything changes. Under the node lock.
 */
final class LocalStamps {

	/** Local writes are stamped at most this far ahead of the clock. */
	private static final long MAX_STAMP_AHEAD_SECONDS = 1;

	private final MeshNode mesh;

	private final Replica replica;

	private final Leasing leasing;

	private final Outbox outbox;

	LocalStamps(MeshNode mesh, Replica replica, Leasing leasing) {
		this.mesh = mesh;
		this.replica = replica;
		this.leasing = leasing;
		this.outbox = mesh.outbox();
	}

	/**
	 * Checks a local write against the lease rule and picks its timestamp: now, but
	 * winning the merge order against the key's tombstone, never older than this node's
	 * own last write of the key, and (without enforced leases) winning against another
	 * node's current version, so that the write wins everywhere. Never more than a second
	 * ahead of the clock: a version that cannot be beaten within that is refused with
	 * {@link WriteConflictException} (nothing changes).
	 * @throws LeaseHeldException if another node's lease forbids the write
	 */
	long check(SyncKey key, boolean delta) {
		long now = this.mesh.nowSeconds();
		long latest = now + MAX_STAMP_AHEAD_SECONDS;
		long time = now;
		String self = this.mesh.id();
		Version tombstone = this.replica.tombstoneVersion(key);
		if (tombstone != null && !tombstone.owner.equals(self)) {
			// must win the merge order against the deletion: a later second, or the same
			// second and a smaller id
			time = Math.max(time,
					(self.compareTo(tombstone.owner) < 0) ? tombstone.timestamp : tombstone.timestamp + 1);
		}
		else if (tombstone != null) {
			// our own deletion: a later second (a tombstone beats a value of the same
			// second and owner)
			time = Math.max(time, tombstone.timestamp + 1);
		}
		Version current = this.replica.current(key);
		if (current != null) {
			if (current.owner.equals(self)) {
				// A version of ours from an earlier process under this id: that process
				// may have sent other changes of this key at its second, which peers
				// would drop as duplicates.
				time = Math.max(time, current.local ? current.timestamp : current.timestamp + 1);
			}
			else if (!this.leasing.enforced()) {
				// the newest write wins: the same second as the stored one wins with a
				// smaller id (rule 5)
				time = Math.max(time, (current.owner.compareTo(self) > 0) ? current.timestamp : current.timestamp + 1);
			}
		}
		if (!LeaseRule.allows(current, self, time, delta, this.leasing.enforced(), now)) {
			Version holder = Objects.requireNonNull(current);
			throw new LeaseHeldException(key.text(), holder.owner,
					Instant.ofEpochSecond(holder.timestamp + LeaseRule.LEASE_SECONDS));
		}
		if (time > latest) {
			// Beating that version would stamp this write further ahead of the clock, and
			// every write racing it would push timestamps further still: refuse instead.
			// another node's version, an earlier process's version of ours, or a
			// tombstone
			Version blocker = (current != null && !(current.owner.equals(self) && current.local)) ? current
					: Objects.requireNonNull(tombstone);
			throw new WriteConflictException(key.text(), blocker.owner, blocker.timestamp, now);
		}
		return time;
	}

	/**
	 * Encodes this node's broadcast of a change, stamped {@code time} or, if this node
	 * already sent the very same change at that second, a later one no more than a second
	 * ahead of the clock: peers drop a repeated body as a duplicate (PROTOCOL.md §9 Q15),
	 * so a change that cannot be stamped uniquely within that bound (a value alternating
	 * faster than twice a second per key) is refused rather than acknowledged and lost.
	 * @throws WriteConflictException if there is no such second (nothing changes)
	 */
	Outbox.Authored author(SyncKey key, List<Object> payload, Predicate<Connection> recipients, long time) {
		long latest = this.mesh.nowSeconds() + MAX_STAMP_AHEAD_SECONDS;
		Outbox.Authored message = this.outbox.author(payload, recipients, time, latest);
		if (message == null) {
			throw new WriteConflictException(
					"key '" + key.text() + "': this node sent the very same change at every second up to " + latest
							+ " already, and peers drop a repeat as a duplicate; write it again after that second",
					key.text(), this.mesh.id(), latest);
		}
		return message;
	}

}
