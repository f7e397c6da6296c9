package io.syncsocket.internal.sync;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * The decisions of the sync layer, as pure functions.
 *
 * <p>
 * {@link #allows} is the lease check of PROTOCOL.md §7.4, exactly as js2p and py2p
 * evaluate it: every live change (3-packet stores, deltas, local writes) must pass it,
 * and {@link RemoteChanges} refuses some it allows (losing to a tombstone, or older than
 * the stored version of the same owner).
 *
 * <p>
 * {@link #wins} is the merge order used when a full-state entry (5-packet store) meets a
 * key that is present, or any change meets a tombstone. js2p ignores such entries and the
 * lease predicate is not a total order, so neither lets partitioned replicas converge.
 * {@code wins} is a strict total order on versions — newer timestamp first, then the
 * smaller owner id (the predicate's own tie-break), then a deletion over a value, then
 * the larger value bytes — so every node that has seen the same versions keeps the same
 * one.
 */
final class LeaseRule {

	/** How long a write holds its lease, in seconds. */
	static final long LEASE_SECONDS = 3600;

	private LeaseRule() {
	}

	/**
	 * PROTOCOL.md §7.4: whether a change {@code (newOwner, newTs, delta)} to a key whose
	 * current metadata is {@code (oldOwner, oldTs)} is allowed.
	 * @param old the current version, or null when the key has no metadata
	 * @param leased L: whether leases are enforced
	 */
	static boolean allows(@Nullable Version old, String newOwner, long newTs, boolean delta, boolean leased, long now) {
		if (old == null) {
			return true; // 1
		}
		if (old.owner.equals(newOwner)) {
			return true; // 2
		}
		if (delta && !leased) {
			return true; // 3
		}
		if (old.timestamp < now - LEASE_SECONDS) {
			return true; // 4
		}
		if (old.timestamp == newTs && old.owner.compareTo(newOwner) > 0) {
			return true; // 5
		}
		return old.timestamp < newTs && !leased; // 6
	}

	/**
	 * Whether {@code candidate} replaces {@code current} in a merge (a strict total
	 * order).
	 */
	static boolean wins(Version candidate, Version current) {
		if (candidate.timestamp != current.timestamp) {
			return candidate.timestamp > current.timestamp;
		}
		int owners = candidate.owner.compareTo(current.owner);
		if (owners != 0) {
			return owners < 0;
		}
		if (candidate.isTombstone() != current.isTombstone()) {
			return candidate.isTombstone();
		}
		if (candidate.isTombstone()) {
			return false;
		}
		return Arrays.compareUnsigned(candidate.value, current.value) > 0;
	}

}
