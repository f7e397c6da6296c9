package io.syncsocket;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Immutable settings of a {@link SyncSocket}: the mesh settings (whose protocol subnet is
 * the base subnet, default {@code "sync"}, before the leasing suffix) plus leasing,
 * delete policy and tombstone retention.
 *
 * <pre>{@code
 * SyncOptions options = SyncOptions.builder()
 *     .mesh((mesh) -> mesh.port(4444).outAddress("10.0.0.5", 4444))
 *     .leasing(Leasing.ON)
 *     .build();
 * }</pre>
 */
public final class SyncOptions {

	/**
	 * The default base subnet of a sync mesh; the protocol uses {@code "sync1"} or
	 * {@code "sync0"}.
	 */
	public static final String DEFAULT_SUBNET = "sync";

	/** The default {@link #antiEntropyInterval()}. */
	public static final Duration DEFAULT_ANTI_ENTROPY_INTERVAL = Duration.ofSeconds(5);

	/** Default leasing: {@link Leasing#ON}, leases enforced. */
	public static final Leasing DEFAULT_LEASING = Leasing.ON;

	/** Default delete policy: {@link DeletePolicy#EXCEPT_TO_JS2P}. */
	public static final DeletePolicy DEFAULT_DELETE_POLICY = DeletePolicy.EXCEPT_TO_JS2P;

	/** Default time a tombstone is kept. */
	public static final Duration DEFAULT_TOMBSTONE_RETENTION = Duration.ofHours(24);

	/** Default bound on kept tombstones. */
	public static final int DEFAULT_MAX_TOMBSTONES = 100_000;

	private final MeshOptions mesh;

	private final Leasing leasing;

	private final DeletePolicy deletePolicy;

	private final Duration tombstoneRetention;

	private final int maxTombstones;

	private final Duration antiEntropyInterval;

	private SyncOptions(Builder builder) {
		this.mesh = builder.mesh;
		this.leasing = builder.leasing;
		this.deletePolicy = builder.deletePolicy;
		this.tombstoneRetention = builder.tombstoneRetention;
		this.maxTombstones = builder.maxTombstones;
		this.antiEntropyInterval = builder.antiEntropyInterval;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** Loopback, an ephemeral port, subnet {@code "sync"}, leasing on. */
	public static SyncOptions defaults() {
		return builder().build();
	}

	public Builder mutate() {
		return new Builder(this);
	}

	/**
	 * The mesh settings; their protocol subnet is the base subnet, before the leasing
	 * suffix.
	 */
	public MeshOptions mesh() {
		return this.mesh;
	}

	public Leasing leasing() {
		return this.leasing;
	}

	public DeletePolicy deletePolicy() {
		return this.deletePolicy;
	}

	public Duration tombstoneRetention() {
		return this.tombstoneRetention;
	}

	/**
	 * Most deleted keys remembered; beyond it the oldest tombstones are forgotten early.
	 */
	public int maxTombstones() {
		return this.maxTombstones;
	}

	/**
	 * How often this node compares a digest of its dictionary with each syncsocket peer
	 * (zero: never). See {@link Builder#antiEntropyInterval(Duration)}.
	 */
	public Duration antiEntropyInterval() {
		return this.antiEntropyInterval;
	}

	@Override
	public String toString() {
		return "SyncOptions[" + this.mesh + ", leasing=" + this.leasing + ", deletePolicy=" + this.deletePolicy
				+ ", tombstoneRetention=" + this.tombstoneRetention + ", maxTombstones=" + this.maxTombstones
				+ ", antiEntropyInterval=" + this.antiEntropyInterval + "]";
	}

	/** Builds {@link SyncOptions}. */
	public static final class Builder {

		private MeshOptions mesh = MeshOptions.builder().protocol(Protocol.of(DEFAULT_SUBNET)).build();

		private Leasing leasing = DEFAULT_LEASING;

		private DeletePolicy deletePolicy = DEFAULT_DELETE_POLICY;

		private Duration tombstoneRetention = DEFAULT_TOMBSTONE_RETENTION;

		private int maxTombstones = DEFAULT_MAX_TOMBSTONES;

		private Duration antiEntropyInterval = DEFAULT_ANTI_ENTROPY_INTERVAL;

		private Builder() {
		}

		private Builder(SyncOptions options) {
			this.mesh = options.mesh;
			this.leasing = options.leasing;
			this.deletePolicy = options.deletePolicy;
			this.tombstoneRetention = options.tombstoneRetention;
			this.maxTombstones = options.maxTombstones;
			this.antiEntropyInterval = options.antiEntropyInterval;
		}

		/**
		 * Replaces the mesh settings. Their protocol subnet is the base subnet (e.g.
		 * {@code "sync"}).
		 */
		public Builder mesh(MeshOptions mesh) {
			this.mesh = Objects.requireNonNull(mesh, "'mesh' must not be null");
			return this;
		}

		/**
		 * Adjusts the mesh settings, starting from the current ones (subnet
		 * {@code "sync"} by default).
		 */
		public Builder mesh(Consumer<MeshOptions.Builder> customizer) {
			MeshOptions.Builder builder = this.mesh.mutate();
			customizer.accept(builder);
			this.mesh = builder.build();
			return this;
		}

		public Builder leasing(Leasing leasing) {
			this.leasing = Objects.requireNonNull(leasing, "'leasing' must not be null");
			return this;
		}

		public Builder deletePolicy(DeletePolicy deletePolicy) {
			this.deletePolicy = Objects.requireNonNull(deletePolicy, "'deletePolicy' must not be null");
			return this;
		}

		/**
		 * How long a deleted key is remembered, so that a stale copy from a node that
		 * missed the delete cannot bring it back. Partitions longer than this can
		 * resurrect keys.
		 */
		public Builder tombstoneRetention(Duration tombstoneRetention) {
			Objects.requireNonNull(tombstoneRetention, "'tombstoneRetention' must not be null");
			if (tombstoneRetention.isNegative() || tombstoneRetention.toSeconds() < 1) {
				throw new IllegalArgumentException("tombstoneRetention: " + tombstoneRetention + " (expected: >= 1s)");
			}
			this.tombstoneRetention = tombstoneRetention;
			return this;
		}

		/**
		 * Most deleted keys remembered; beyond it the oldest tombstones are forgotten
		 * early.
		 */
		public Builder maxTombstones(int maxTombstones) {
			if (maxTombstones < 0) {
				throw new IllegalArgumentException("maxTombstones: " + maxTombstones + " (expected: >= 0)");
			}
			this.maxTombstones = maxTombstones;
			return this;
		}

		/**
		 * How often this node sends each syncsocket peer a digest of its dictionary
		 * (default {@code 5s}; zero turns it off). The protocol's live rules can leave
		 * two nodes with different versions of a key (two nodes claiming a free key at
		 * once, deltas applied in different orders); when a peer's digest and this node's
		 * stay different for a whole round with no change on either side, this node asks
		 * that peer for its full state and merges it, so the mesh converges without a
		 * reconnect. js2p and py2p peers are never sent digests.
		 */
		public Builder antiEntropyInterval(Duration antiEntropyInterval) {
			Objects.requireNonNull(antiEntropyInterval, "'antiEntropyInterval' must not be null");
			if (antiEntropyInterval.isNegative()) {
				throw new IllegalArgumentException("antiEntropyInterval: " + antiEntropyInterval + " (expected: >= 0)");
			}
			this.antiEntropyInterval = antiEntropyInterval;
			return this;
		}

		public SyncOptions build() {
			return new SyncOptions(this);
		}

	}

}
