package io.syncsocket;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Immutable settings of a {@link SyncSocket}: the mesh settings (whose protocol subnet is the
 * base subnet, default {@code "sync"}, before the leasing suffix) plus leasing, delete
 * policy and tombstone retention.
 *
 * <pre>{@code
 * SyncOptions options = SyncOptions.builder()
 *     .mesh((mesh) -> mesh.port(4444).outAddress("10.0.0.5", 4444))
 *     .leasing(Leasing.ON)
 *     .build();
 * }</pre>
 */
public final class SyncOptions {

	/** The default base subnet of a sync mesh; the protocol uses {@code "sync1"} or {@code "sync0"}. */
	public static final String DEFAULT_SUBNET = "sync";

	private final MeshOptions mesh;

	private final Leasing leasing;

	private final DeletePolicy deletePolicy;

	private final Duration tombstoneRetention;

	private final int maxTombstones;

	private SyncOptions(Builder builder) {
		this.mesh = builder.mesh;
		this.leasing = builder.leasing;
		this.deletePolicy = builder.deletePolicy;
		this.tombstoneRetention = builder.tombstoneRetention;
		this.maxTombstones = builder.maxTombstones;
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

	/** The mesh settings; their protocol subnet is the base subnet, before the leasing suffix. */
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

	/** Most deleted keys remembered; beyond it the oldest tombstones are forgotten early. */
	public int maxTombstones() {
		return this.maxTombstones;
	}

	@Override
	public String toString() {
		return "SyncOptions[" + this.mesh + ", leasing=" + this.leasing + ", deletePolicy=" + this.deletePolicy
				+ ", tombstoneRetention=" + this.tombstoneRetention + "]";
	}

	/** Builds {@link SyncOptions}. */
	public static final class Builder {

		private MeshOptions mesh = MeshOptions.builder().protocol(Protocol.of(DEFAULT_SUBNET)).build();

		private Leasing leasing = Leasing.ON;

		private DeletePolicy deletePolicy = DeletePolicy.EXCEPT_TO_JS2P;

		private Duration tombstoneRetention = Duration.ofHours(24);

		private int maxTombstones = 100_000;

		private Builder() {
		}

		private Builder(SyncOptions options) {
			this.mesh = options.mesh;
			this.leasing = options.leasing;
			this.deletePolicy = options.deletePolicy;
			this.tombstoneRetention = options.tombstoneRetention;
			this.maxTombstones = options.maxTombstones;
		}

		/** Replaces the mesh settings. Their protocol subnet is the base subnet (e.g. {@code "sync"}). */
		public Builder mesh(MeshOptions mesh) {
			this.mesh = Objects.requireNonNull(mesh, "'mesh' must not be null");
			return this;
		}

		/** Adjusts the mesh settings, starting from the current ones (subnet {@code "sync"} by default). */
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
		 * How long a deleted key is remembered, so that a stale copy from a node that missed
		 * the delete cannot bring it back. Partitions longer than this can resurrect keys.
		 */
		public Builder tombstoneRetention(Duration tombstoneRetention) {
			Objects.requireNonNull(tombstoneRetention, "'tombstoneRetention' must not be null");
			if (tombstoneRetention.isNegative() || tombstoneRetention.toSeconds() < 1) {
				throw new IllegalArgumentException("tombstoneRetention: " + tombstoneRetention + " (expected: >= 1s)");
			}
			this.tombstoneRetention = tombstoneRetention;
			return this;
		}

		/** Most deleted keys remembered; beyond it the oldest tombstones are forgotten early. */
		public Builder maxTombstones(int maxTombstones) {
			if (maxTombstones < 0) {
				throw new IllegalArgumentException("maxTombstones: " + maxTombstones + " (expected: >= 0)");
			}
			this.maxTombstones = maxTombstones;
			return this;
		}

		public SyncOptions build() {
			return new SyncOptions(this);
		}

	}

}
