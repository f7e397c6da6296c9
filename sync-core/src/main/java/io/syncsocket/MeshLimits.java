package io.syncsocket;

import static io.syncsocket.OptionChecks.requireAtLeast;

/**
 * Immutable bounds on what one {@link MeshSocket} holds: frame size, links, queued bytes,
 * remembered broadcasts and unread user messages. Every bound keeps memory finite against
 * a misbehaving or hostile peer; the defaults suit a node with a few hundred megabytes to
 * spare. Set with {@link MeshOptions.Builder#limits(java.util.function.Consumer)}:
 *
 * <pre>{@code
 * MeshOptions options = MeshOptions.builder()
 *     .limits((limits) -> limits.maxFrameLength(1024 * 1024).maxInboundLinks(32))
 *     .build();
 * }</pre>
 */
public final class MeshLimits {

	/** Default largest accepted frame (length header), 64 MiB. */
	public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024 * 1024;

	/** Default limit of open inbound links. */
	public static final int DEFAULT_MAX_INBOUND_LINKS = 256;

	/** Default limit of open links from one remote address. */
	public static final int DEFAULT_MAX_LINKS_PER_ADDRESS = 64;

	/**
	 * Default bytes queued for one link before it is closed as {@code SLOW_PEER}, 64 MiB.
	 */
	public static final int DEFAULT_MAX_QUEUED_BYTES_PER_LINK = 64 * 1024 * 1024;

	/** Default bound on the 60-second seen set of broadcast fingerprints. */
	public static final int DEFAULT_MAX_SEEN_MESSAGES = 1_000_000;

	/** Default capacity of the user-message inbox ({@link MeshSocket#recv()}). */
	public static final int DEFAULT_USER_QUEUE_CAPACITY = 10_000;

	private static final MeshLimits DEFAULTS = new Builder().build();

	private final int maxFrameLength;

	private final int maxInboundLinks;

	private final int maxLinksPerAddress;

	private final int maxQueuedBytesPerLink;

	private final int maxSeenMessages;

	private final int userQueueCapacity;

	private MeshLimits(Builder builder) {
		this.maxFrameLength = builder.maxFrameLength;
		this.maxInboundLinks = builder.maxInboundLinks;
		this.maxLinksPerAddress = builder.maxLinksPerAddress;
		this.maxQueuedBytesPerLink = builder.maxQueuedBytesPerLink;
		this.maxSeenMessages = builder.maxSeenMessages;
		this.userQueueCapacity = builder.userQueueCapacity;
	}

	/** A builder with every default. */
	public static Builder builder() {
		return new Builder();
	}

	/** The default limits (the {@code DEFAULT_*} constants). */
	public static MeshLimits defaults() {
		return DEFAULTS;
	}

	/** A builder initialised with these limits. */
	public Builder mutate() {
		return new Builder(this);
	}

	/** Largest frame accepted from a peer; a larger length header closes that link. */
	public int maxFrameLength() {
		return this.maxFrameLength;
	}

	/**
	 * Most accepted links open at once; further connections are refused
	 * (LinkFault.CONNECTION_LIMIT).
	 */
	public int maxInboundLinks() {
		return this.maxInboundLinks;
	}

	/** Most accepted links open at once from one remote IP address. */
	public int maxLinksPerAddress() {
		return this.maxLinksPerAddress;
	}

	/**
	 * Most bytes queued for one peer, plus one frame of the maximum length; a peer that
	 * stops reading is disconnected beyond it (LinkFault.SLOW_PEER), so memory stays
	 * bounded.
	 */
	public int maxQueuedBytesPerLink() {
		return this.maxQueuedBytesPerLink;
	}

	/**
	 * Most (message id, time) pairs kept for duplicate suppression; beyond it whole
	 * seconds are forgotten early.
	 */
	public int maxSeenMessages() {
		return this.maxSeenMessages;
	}

	/**
	 * How many unread user messages {@link MeshSocket#recv()} keeps; the oldest are
	 * dropped beyond it.
	 */
	public int userQueueCapacity() {
		return this.userQueueCapacity;
	}

	@Override
	public String toString() {
		return "MeshLimits[maxFrameLength=" + this.maxFrameLength + ", maxInboundLinks=" + this.maxInboundLinks
				+ ", maxLinksPerAddress=" + this.maxLinksPerAddress + ", maxQueuedBytesPerLink="
				+ this.maxQueuedBytesPerLink + ", maxSeenMessages=" + this.maxSeenMessages + ", userQueueCapacity="
				+ this.userQueueCapacity + "]";
	}

	/** Builds {@link MeshLimits}; each setter validates its argument. */
	public static final class Builder {

		private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;

		private int maxInboundLinks = DEFAULT_MAX_INBOUND_LINKS;

		private int maxLinksPerAddress = DEFAULT_MAX_LINKS_PER_ADDRESS;

		private int maxQueuedBytesPerLink = DEFAULT_MAX_QUEUED_BYTES_PER_LINK;

		private int maxSeenMessages = DEFAULT_MAX_SEEN_MESSAGES;

		private int userQueueCapacity = DEFAULT_USER_QUEUE_CAPACITY;

		private Builder() {
		}

		private Builder(MeshLimits limits) {
			this.maxFrameLength = limits.maxFrameLength;
			this.maxInboundLinks = limits.maxInboundLinks;
			this.maxLinksPerAddress = limits.maxLinksPerAddress;
			this.maxQueuedBytesPerLink = limits.maxQueuedBytesPerLink;
			this.maxSeenMessages = limits.maxSeenMessages;
			this.userQueueCapacity = limits.userQueueCapacity;
		}

		/**
		 * Largest frame accepted from a peer, at least 1024 bytes; a larger length header
		 * closes that link.
		 */
		public Builder maxFrameLength(int maxFrameLength) {
			this.maxFrameLength = requireAtLeast(maxFrameLength, 1024, "maxFrameLength");
			return this;
		}

		/**
		 * Most accepted links open at once; further connections are refused
		 * (LinkFault.CONNECTION_LIMIT).
		 */
		public Builder maxInboundLinks(int maxInboundLinks) {
			this.maxInboundLinks = requireAtLeast(maxInboundLinks, 1, "maxInboundLinks");
			return this;
		}

		/** Most accepted links open at once from one remote IP address. */
		public Builder maxLinksPerAddress(int maxLinksPerAddress) {
			this.maxLinksPerAddress = requireAtLeast(maxLinksPerAddress, 1, "maxLinksPerAddress");
			return this;
		}

		/**
		 * Most bytes queued for one peer (at least 1024), plus one frame of the maximum
		 * length; a peer that stops reading is disconnected beyond it
		 * (LinkFault.SLOW_PEER), so memory stays bounded.
		 */
		public Builder maxQueuedBytesPerLink(int maxQueuedBytesPerLink) {
			this.maxQueuedBytesPerLink = requireAtLeast(maxQueuedBytesPerLink, 1024, "maxQueuedBytesPerLink");
			return this;
		}

		/**
		 * Most (message id, time) pairs kept for duplicate suppression, at least 1000;
		 * beyond it whole seconds are forgotten early.
		 */
		public Builder maxSeenMessages(int maxSeenMessages) {
			this.maxSeenMessages = requireAtLeast(maxSeenMessages, 1000, "maxSeenMessages");
			return this;
		}

		/**
		 * How many unread user messages {@link MeshSocket#recv()} keeps; the oldest are
		 * dropped beyond it.
		 */
		public Builder userQueueCapacity(int userQueueCapacity) {
			this.userQueueCapacity = requireAtLeast(userQueueCapacity, 1, "userQueueCapacity");
			return this;
		}

		public MeshLimits build() {
			return new MeshLimits(this);
		}

	}

}
