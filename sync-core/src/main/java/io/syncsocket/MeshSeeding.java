package io.syncsocket;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import static io.syncsocket.OptionChecks.requirePositive;

/**
 * Immutable rules for dialing seeds (the addresses given with
 * {@link MeshOptions.Builder#seeds(String...)}): the backoff between dials of a seed this
 * node is not connected to, and an optional {@link SeedProvider} whose addresses are
 * dialed too. Set with {@link MeshOptions.Builder#seeding(java.util.function.Consumer)}:
 *
 * <pre>{@code
 * MeshOptions options = MeshOptions.builder()
 *     .seeds("10.0.0.5:4444")
 *     .seeding((seeding) -> seeding.retry(Duration.ofMillis(500), Duration.ofSeconds(10)))
 *     .build();
 * }</pre>
 */
public final class MeshSeeding {

	/**
	 * Default first delay before a seed is dialed again; it doubles up to
	 * {@link #DEFAULT_RETRY_MAX}.
	 */
	public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofSeconds(1);

	/** Default longest delay between two dials of a seed. */
	public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(30);

	private static final MeshSeeding DEFAULTS = new Builder().build();

	private final @Nullable SeedProvider provider;

	private final Duration retryInitial;

	private final Duration retryMax;

	private MeshSeeding(Builder builder) {
		this.provider = builder.provider;
		this.retryInitial = builder.retryInitial;
		this.retryMax = builder.retryMax;
	}

	/** A builder with every default. */
	public static Builder builder() {
		return new Builder();
	}

	/** The defaults: no provider, a backoff from 1 s doubling up to 30 s. */
	public static MeshSeeding defaults() {
		return DEFAULTS;
	}

	/** A builder initialised with these settings. */
	public Builder mutate() {
		return new Builder(this);
	}

	/**
	 * A source of further seeds that may change while the socket runs (a service
	 * registry), or null.
	 */
	public @Nullable SeedProvider provider() {
		return this.provider;
	}

	/**
	 * First delay before re-dialing an unreachable seed; it doubles up to
	 * {@link #retryMax()}.
	 */
	public Duration retryInitial() {
		return this.retryInitial;
	}

	/** Longest delay between two dials of an unreachable seed. */
	public Duration retryMax() {
		return this.retryMax;
	}

	@Override
	public String toString() {
		return "MeshSeeding[provider=" + this.provider + ", retry=" + this.retryInitial + ".." + this.retryMax + "]";
	}

	/** Builds {@link MeshSeeding}. */
	public static final class Builder {

		private @Nullable SeedProvider provider;

		private Duration retryInitial = DEFAULT_RETRY_INITIAL;

		private Duration retryMax = DEFAULT_RETRY_MAX;

		private Builder() {
		}

		private Builder(MeshSeeding seeding) {
			this.provider = seeding.provider;
			this.retryInitial = seeding.retryInitial;
			this.retryMax = seeding.retryMax;
		}

		/**
		 * Dials, besides the seeds, every address {@code provider} returns, asking it
		 * again periodically so that instances that come and go are found (see
		 * {@link SeedProvider} for when it is called). Null for none.
		 */
		public Builder provider(@Nullable SeedProvider provider) {
			this.provider = provider;
			return this;
		}

		/**
		 * Backoff for re-dialing seeds: first delay, doubling up to {@code max} (both
		 * positive, {@code max >= initial}).
		 */
		public Builder retry(Duration initial, Duration max) {
			this.retryInitial = requirePositive(initial, "retryInitial");
			this.retryMax = requirePositive(max, "retryMax");
			if (max.compareTo(initial) < 0) {
				throw new IllegalArgumentException("retryMax: " + max + " (expected: >= retryInitial " + initial + ")");
			}
			return this;
		}

		public MeshSeeding build() {
			return new MeshSeeding(this);
		}

	}

}
