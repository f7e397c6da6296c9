package io.syncsocket;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters of a socket since it started: an immutable snapshot taken by
 * {@link MeshSocket#stats()}. Byte counts are uncompressed blob sizes (checksum and
 * body).
 *
 * @param peers handshaken peers right now
 * @param links open links right now: more than {@code peers} while handshakes are under
 * way or while a peer decides which of two links to it to keep
 * @param messagesReceived verified messages received on all links
 * @param messagesSent messages written to links (a broadcast to three peers counts three)
 * @param bytesReceived blob bytes received
 * @param bytesSent blob bytes written
 * @param broadcastsRelayed broadcasts from other authors forwarded to peers (per link)
 * @param duplicatesDropped broadcasts dropped because their (id, time) was already seen
 * @param expiredDropped broadcasts dropped because they were older than 60 seconds
 * @param userMessagesDropped user messages dropped from a full receive queue
 * @param faults link faults by kind (every kind present, zero if none)
 */
public record MeshStats(int peers, int links, long messagesReceived, long messagesSent, long bytesReceived,
		long bytesSent, long broadcastsRelayed, long duplicatesDropped, long expiredDropped, long userMessagesDropped,
		Map<LinkFault, Long> faults) {

	public MeshStats {
		EnumMap<LinkFault, Long> copy = new EnumMap<>(LinkFault.class);
		for (LinkFault fault : LinkFault.values()) {
			copy.put(fault, faults.getOrDefault(fault, 0L));
		}
		faults = Collections.unmodifiableMap(copy);
	}

	/** How often a fault of this kind happened. */
	public long faults(LinkFault fault) {
		return this.faults.get(fault);
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

}
