package io.syncsocket;

import java.time.Duration;

import static io.syncsocket.OptionChecks.requirePositive;

/**
 * Immutable waits of one {@link MeshSocket}: how long a link may take to connect, to
 * shake hands and to finish a frame, how long to wait for a new peer's peer list, and how
 * long a blocking call waits for the node loop. Every value is positive. Set with
 * {@link MeshOptions.Builder#timeouts(java.util.function.Consumer)}:
 *
 * <pre>{@code
 * MeshOptions options = MeshOptions.builder()
 *     .timeouts((timeouts) -> timeouts.connect(Duration.ofSeconds(2)).handshake(Duration.ofSeconds(5)))
 *     .build();
 * }</pre>
 */
public final class MeshTimeouts {

	/** Default time a link has to complete its handshake. */
	public static final Duration DEFAULT_HANDSHAKE = Duration.ofSeconds(30);

	/** Default time a partly received frame may stall before the link is closed. */
	public static final Duration DEFAULT_STALL = Duration.ofSeconds(60);

	/** Default TCP connect timeout of a dial. */
	public static final Duration DEFAULT_CONNECT = Duration.ofSeconds(10);

	/** Default wait for a new peer's peer list before asking for it. */
	public static final Duration DEFAULT_PEER_REQUEST_DELAY = Duration.ofSeconds(2);

	/** Default longest wait of a blocking call for the node loop. */
	public static final Duration DEFAULT_OPERATION = Duration.ofSeconds(30);

	private static final MeshTimeouts DEFAULTS = new Builder().build();

	private final Duration handshake;

	private final Duration stall;

	private final Duration connect;

	private final Duration peerRequestDelay;

	private final Duration operation;

	private MeshTimeouts(Builder builder) {
		this.handshake = builder.handshake;
		this.stall = builder.stall;
		this.connect = builder.connect;
		this.peerRequestDelay = builder.peerRequestDelay;
		this.operation = builder.operation;
	}

	/** A builder with every default. */
	public static Builder builder() {
		return new Builder();
	}

	/** The default timeouts (the {@code DEFAULT_*} constants). */
	public static MeshTimeouts defaults() {
		return DEFAULTS;
	}

	/** A builder initialised with these timeouts. */
	public Builder mutate() {
		return new Builder(this);
	}

	/** How long a new link may stay without a valid handshake before it is closed. */
	public Duration handshake() {
		return this.handshake;
	}

	/** How long a partially received frame may see no data before the link is closed. */
	public Duration stall() {
		return this.stall;
	}

	/** The TCP connect timeout of a dial. */
	public Duration connect() {
		return this.connect;
	}

	/**
	 * After a handshake, how long to wait for the peer's peer list before asking with
	 * {@code request "*"}.
	 */
	public Duration peerRequestDelay() {
		return this.peerRequestDelay;
	}

	/** Upper bound for a blocking call waiting on the node loop. */
	public Duration operation() {
		return this.operation;
	}

	@Override
	public String toString() {
		return "MeshTimeouts[handshake=" + this.handshake + ", stall=" + this.stall + ", connect=" + this.connect
				+ ", peerRequestDelay=" + this.peerRequestDelay + ", operation=" + this.operation + "]";
	}

	/** Builds {@link MeshTimeouts}; each setter requires a positive duration. */
	public static final class Builder {

		private Duration handshake = DEFAULT_HANDSHAKE;

		private Duration stall = DEFAULT_STALL;

		private Duration connect = DEFAULT_CONNECT;

		private Duration peerRequestDelay = DEFAULT_PEER_REQUEST_DELAY;

		private Duration operation = DEFAULT_OPERATION;

		private Builder() {
		}

		private Builder(MeshTimeouts timeouts) {
			this.handshake = timeouts.handshake;
			this.stall = timeouts.stall;
			this.connect = timeouts.connect;
			this.peerRequestDelay = timeouts.peerRequestDelay;
			this.operation = timeouts.operation;
		}

		/**
		 * How long a new link may stay without a valid handshake before it is closed
		 * (default 30 s).
		 */
		public Builder handshake(Duration handshake) {
			this.handshake = requirePositive(handshake, "handshake");
			return this;
		}

		/**
		 * How long a partially received frame may see no data before the link is closed
		 * (default 60 s).
		 */
		public Builder stall(Duration stall) {
			this.stall = requirePositive(stall, "stall");
			return this;
		}

		/** The TCP connect timeout of a dial (default 10 s). */
		public Builder connect(Duration connect) {
			this.connect = requirePositive(connect, "connect");
			return this;
		}

		/**
		 * After a handshake, how long to wait for the peer's peer list before asking with
		 * {@code request "*"} (default 2 s).
		 */
		public Builder peerRequestDelay(Duration peerRequestDelay) {
			this.peerRequestDelay = requirePositive(peerRequestDelay, "peerRequestDelay");
			return this;
		}

		/** Upper bound for a blocking call waiting on the node loop (default 30 s). */
		public Builder operation(Duration operation) {
			this.operation = requirePositive(operation, "operation");
			return this;
		}

		public MeshTimeouts build() {
			return new MeshTimeouts(this);
		}

	}

}
