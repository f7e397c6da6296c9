package io.syncsocket;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Counters of a socket since it started: an immutable snapshot taken by
 * {@link MeshSocket#stats()}. Byte counts are uncompressed blob sizes (checksum and
 * body). Counters may be added in later versions; build one with {@link #builder()} (in a
 * test, say), not positionally.
 */
public final class MeshStats {

	private final int peers;

	private final int links;

	private final long messagesReceived;

	private final long messagesSent;

	private final long bytesReceived;

	private final long bytesSent;

	private final long broadcastsRelayed;

	private final long duplicatesDropped;

	private final long expiredDropped;

	private final long userMessagesDropped;

	private final Map<LinkFault, Long> faults;

	private MeshStats(Builder builder) {
		this.peers = builder.peers;
		this.links = builder.links;
		this.messagesReceived = builder.messagesReceived;
		this.messagesSent = builder.messagesSent;
		this.bytesReceived = builder.bytesReceived;
		this.bytesSent = builder.bytesSent;
		this.broadcastsRelayed = builder.broadcastsRelayed;
		this.duplicatesDropped = builder.duplicatesDropped;
		this.expiredDropped = builder.expiredDropped;
		this.userMessagesDropped = builder.userMessagesDropped;
		EnumMap<LinkFault, Long> copy = new EnumMap<>(LinkFault.class);
		for (LinkFault fault : LinkFault.values()) {
			copy.put(fault, builder.faults.getOrDefault(fault, 0L));
		}
		this.faults = Collections.unmodifiableMap(copy);
	}

	/** A builder, all counters zero. */
	public static Builder builder() {
		return new Builder();
	}

	/** Handshaken peers right now. */
	public int peers() {
		return this.peers;
	}

	/**
	 * Open links right now: more than {@code peers} while handshakes are under way or
	 * while a peer decides which of two links to it to keep.
	 */
	public int links() {
		return this.links;
	}

	/** Verified messages received on all links. */
	public long messagesReceived() {
		return this.messagesReceived;
	}

	/** Messages written to links (a broadcast to three peers counts three). */
	public long messagesSent() {
		return this.messagesSent;
	}

	/** Blob bytes received. */
	public long bytesReceived() {
		return this.bytesReceived;
	}

	/** Blob bytes written. */
	public long bytesSent() {
		return this.bytesSent;
	}

	/** Broadcasts from other authors forwarded to peers (per link). */
	public long broadcastsRelayed() {
		return this.broadcastsRelayed;
	}

	/** Broadcasts dropped because their (id, time) was already seen. */
	public long duplicatesDropped() {
		return this.duplicatesDropped;
	}

	/** Broadcasts dropped because they were older than 60 seconds. */
	public long expiredDropped() {
		return this.expiredDropped;
	}

	/** User messages dropped from a full receive queue. */
	public long userMessagesDropped() {
		return this.userMessagesDropped;
	}

	/** Link faults by kind (every kind present, zero if none). */
	public Map<LinkFault, Long> faults() {
		return this.faults;
	}

	/** How often a fault of this kind happened. */
	public long faults(LinkFault fault) {
		return this.faults.getOrDefault(fault, 0L);
	}

	/**
	 * Handshakes refused: wrong protocol, invalid, from ourselves, never completed, or a
	 * failed TLS handshake.
	 */
	public long rejectedHandshakes() {
		return faults(LinkFault.PROTOCOL_MISMATCH) + faults(LinkFault.INVALID_HANDSHAKE)
				+ faults(LinkFault.SELF_CONNECTION) + faults(LinkFault.HANDSHAKE_TIMEOUT)
				+ faults(LinkFault.TLS_HANDSHAKE_FAILED);
	}

	/** Faults that closed a link. */
	public long linkErrors() {
		long total = 0;
		for (Map.Entry<LinkFault, Long> entry : this.faults.entrySet()) {
			if (entry.getKey().closesLink()) {
				total += entry.getValue();
			}
		}
		return total;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof MeshStats that)) {
			return false;
		}
		return this.peers == that.peers && this.links == that.links && this.messagesReceived == that.messagesReceived
				&& this.messagesSent == that.messagesSent && this.bytesReceived == that.bytesReceived
				&& this.bytesSent == that.bytesSent && this.broadcastsRelayed == that.broadcastsRelayed
				&& this.duplicatesDropped == that.duplicatesDropped && this.expiredDropped == that.expiredDropped
				&& this.userMessagesDropped == that.userMessagesDropped && this.faults.equals(that.faults);
	}

	@Override
	public int hashCode() {
		return java.util.Objects.hash(this.peers, this.links, this.messagesReceived, this.messagesSent,
				this.bytesReceived, this.bytesSent, this.broadcastsRelayed, this.duplicatesDropped, this.expiredDropped,
				this.userMessagesDropped, this.faults);
	}

	@Override
	public String toString() {
		return "MeshStats[" + "peers=" + this.peers + ", links=" + this.links + ", messagesReceived="
				+ this.messagesReceived + ", messagesSent=" + this.messagesSent + ", bytesReceived="
				+ this.bytesReceived + ", bytesSent=" + this.bytesSent + ", broadcastsRelayed=" + this.broadcastsRelayed
				+ ", duplicatesDropped=" + this.duplicatesDropped + ", expiredDropped=" + this.expiredDropped
				+ ", userMessagesDropped=" + this.userMessagesDropped + ", faults=" + this.faults + "]";
	}

	/** Builds a {@link MeshStats}: the socket's snapshots, or a value for a test. */
	public static final class Builder {

		private int peers;

		private int links;

		private long messagesReceived;

		private long messagesSent;

		private long bytesReceived;

		private long bytesSent;

		private long broadcastsRelayed;

		private long duplicatesDropped;

		private long expiredDropped;

		private long userMessagesDropped;

		private Map<LinkFault, Long> faults = Map.of();

		private Builder() {
		}

		public Builder peers(int peers) {
			this.peers = peers;
			return this;
		}

		public Builder links(int links) {
			this.links = links;
			return this;
		}

		public Builder messagesReceived(long messagesReceived) {
			this.messagesReceived = messagesReceived;
			return this;
		}

		public Builder messagesSent(long messagesSent) {
			this.messagesSent = messagesSent;
			return this;
		}

		public Builder bytesReceived(long bytesReceived) {
			this.bytesReceived = bytesReceived;
			return this;
		}

		public Builder bytesSent(long bytesSent) {
			this.bytesSent = bytesSent;
			return this;
		}

		public Builder broadcastsRelayed(long broadcastsRelayed) {
			this.broadcastsRelayed = broadcastsRelayed;
			return this;
		}

		public Builder duplicatesDropped(long duplicatesDropped) {
			this.duplicatesDropped = duplicatesDropped;
			return this;
		}

		public Builder expiredDropped(long expiredDropped) {
			this.expiredDropped = expiredDropped;
			return this;
		}

		public Builder userMessagesDropped(long userMessagesDropped) {
			this.userMessagesDropped = userMessagesDropped;
			return this;
		}

		public Builder faults(Map<LinkFault, Long> faults) {
			this.faults = java.util.Objects.requireNonNull(faults, "'faults' must not be null");
			return this;
		}

		public MeshStats build() {
			return new MeshStats(this);
		}

	}

}
