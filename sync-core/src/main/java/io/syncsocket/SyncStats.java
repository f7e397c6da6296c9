package io.syncsocket;

import org.jspecify.annotations.Nullable;

/**
 * Counters of a {@link SyncSocket}'s dictionary since start: an immutable snapshot taken
 * by {@link SyncSocket#syncStats()}. Counters may be added in later versions; build one
 * with {@link #builder()} (in a test, say), not positionally.
 */
public final class SyncStats {

	private final int keys;

	private final int tombstones;

	private final long localUpdates;

	private final long remoteUpdates;

	private final long stateTransferUpdates;

	private final long deletes;

	private final long leaseRejections;

	private final long staleRejections;

	private final long ignoredDeltas;

	private final long repairs;

	private SyncStats(Builder builder) {
		this.keys = builder.keys;
		this.tombstones = builder.tombstones;
		this.localUpdates = builder.localUpdates;
		this.remoteUpdates = builder.remoteUpdates;
		this.stateTransferUpdates = builder.stateTransferUpdates;
		this.deletes = builder.deletes;
		this.leaseRejections = builder.leaseRejections;
		this.staleRejections = builder.staleRejections;
		this.ignoredDeltas = builder.ignoredDeltas;
		this.repairs = builder.repairs;
	}

	/** A builder, all counters zero. */
	public static Builder builder() {
		return new Builder();
	}

	/** Keys stored now. */
	public int keys() {
		return this.keys;
	}

	/** Deleted keys remembered now (so stale copies cannot come back). */
	public int tombstones() {
		return this.tombstones;
	}

	/** Sets and deltas made on this node. */
	public long localUpdates() {
		return this.localUpdates;
	}

	/** Sets and deltas applied from broadcasts. */
	public long remoteUpdates() {
		return this.remoteUpdates;
	}

	/** Entries applied from peers' state transfers. */
	public long stateTransferUpdates() {
		return this.stateTransferUpdates;
	}

	/** Deletes applied, from any origin. */
	public long deletes() {
		return this.deletes;
	}

	/**
	 * Remote changes dropped because another node holds the lease (or the change was
	 * older than the current version).
	 */
	public long leaseRejections() {
		return this.leaseRejections;
	}

	/**
	 * Remote changes dropped because they were older than a tombstone (or than the
	 * tombstone retention, for an absent key) or lost to the stored version in a
	 * state-transfer merge.
	 */
	public long staleRejections() {
		return this.staleRejections;
	}

	/** Remote deltas dropped because the stored value is not a map. */
	public long ignoredDeltas() {
		return this.ignoredDeltas;
	}

	/**
	 * Full states asked of a peer because its dictionary and this node's stayed different
	 * with no change on either side for an anti-entropy round.
	 */
	public long repairs() {
		return this.repairs;
	}

	/**
	 * This run's snapshot with the counters of the runs before it added (the key and
	 * tombstone counts are this run's).
	 */
	SyncStats plusCountersOf(SyncStats before) {
		return builder().keys(this.keys)
			.tombstones(this.tombstones)
			.localUpdates(before.localUpdates + this.localUpdates)
			.remoteUpdates(before.remoteUpdates + this.remoteUpdates)
			.stateTransferUpdates(before.stateTransferUpdates + this.stateTransferUpdates)
			.deletes(before.deletes + this.deletes)
			.leaseRejections(before.leaseRejections + this.leaseRejections)
			.staleRejections(before.staleRejections + this.staleRejections)
			.ignoredDeltas(before.ignoredDeltas + this.ignoredDeltas)
			.repairs(before.repairs + this.repairs)
			.build();
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof SyncStats that)) {
			return false;
		}
		return this.keys == that.keys && this.tombstones == that.tombstones && this.localUpdates == that.localUpdates
				&& this.remoteUpdates == that.remoteUpdates && this.stateTransferUpdates == that.stateTransferUpdates
				&& this.deletes == that.deletes && this.leaseRejections == that.leaseRejections
				&& this.staleRejections == that.staleRejections && this.ignoredDeltas == that.ignoredDeltas
				&& this.repairs == that.repairs;
	}

	@Override
	public int hashCode() {
		return java.util.Objects.hash(this.keys, this.tombstones, this.localUpdates, this.remoteUpdates,
				this.stateTransferUpdates, this.deletes, this.leaseRejections, this.staleRejections, this.ignoredDeltas,
				this.repairs);
	}

	@Override
	public String toString() {
		return "SyncStats[" + "keys=" + this.keys + ", tombstones=" + this.tombstones + ", localUpdates="
				+ this.localUpdates + ", remoteUpdates=" + this.remoteUpdates + ", stateTransferUpdates="
				+ this.stateTransferUpdates + ", deletes=" + this.deletes + ", leaseRejections=" + this.leaseRejections
				+ ", staleRejections=" + this.staleRejections + ", ignoredDeltas=" + this.ignoredDeltas + ", repairs="
				+ this.repairs + "]";
	}

	/** Builds a {@link SyncStats}: the socket's snapshots, or a value for a test. */
	public static final class Builder {

		private int keys;

		private int tombstones;

		private long localUpdates;

		private long remoteUpdates;

		private long stateTransferUpdates;

		private long deletes;

		private long leaseRejections;

		private long staleRejections;

		private long ignoredDeltas;

		private long repairs;

		private Builder() {
		}

		public Builder keys(int keys) {
			this.keys = keys;
			return this;
		}

		public Builder tombstones(int tombstones) {
			this.tombstones = tombstones;
			return this;
		}

		public Builder localUpdates(long localUpdates) {
			this.localUpdates = localUpdates;
			return this;
		}

		public Builder remoteUpdates(long remoteUpdates) {
			this.remoteUpdates = remoteUpdates;
			return this;
		}

		public Builder stateTransferUpdates(long stateTransferUpdates) {
			this.stateTransferUpdates = stateTransferUpdates;
			return this;
		}

		public Builder deletes(long deletes) {
			this.deletes = deletes;
			return this;
		}

		public Builder leaseRejections(long leaseRejections) {
			this.leaseRejections = leaseRejections;
			return this;
		}

		public Builder staleRejections(long staleRejections) {
			this.staleRejections = staleRejections;
			return this;
		}

		public Builder ignoredDeltas(long ignoredDeltas) {
			this.ignoredDeltas = ignoredDeltas;
			return this;
		}

		public Builder repairs(long repairs) {
			this.repairs = repairs;
			return this;
		}

		public SyncStats build() {
			return new SyncStats(this);
		}

	}

}
