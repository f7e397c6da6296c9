package io.syncsocket.internal.mesh;

import java.util.function.LongSupplier;
import java.util.function.Predicate;

import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MeshMessages;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * The broadcast waterfall (PROTOCOL.md §6.2): which broadcasts are new (the seen set, the
 * 60-second horizon, a direct author's own link), and passing each new one on to the
 * other peers. Node loop.
 */
final class Waterfall {

	private final LinkTable links;

	private final SeenSet seen;

	private final MeshCounters counters;

	private final Outbox outbox;

	/** The current unix second. */
	private final LongSupplier clock;

	Waterfall(LinkTable links, SeenSet seen, MeshCounters counters, Outbox outbox, LongSupplier clock) {
		this.links = links;
		this.seen = seen;
		this.counters = counters;
		this.outbox = outbox;
		this.clock = clock;
	}

	/**
	 * Whether a broadcast is new: not a relayed copy of a direct peer's own message, not
	 * older than 60 s, not seen before; a new one is remembered (and the seen set
	 * pruned).
	 * @return true if the message must be relayed and handled locally
	 */
	boolean admit(Connection from, WireMessage message) {
		Connection author = this.links.route(message.sender());
		if (author != null && author != from) {
			// The author is a direct peer: its own link delivers its messages in the
			// order it sent them; a copy relayed by a third node may overtake or lag
			// behind them (a stale write applied last, or a delete whose direct copy is
			// then dropped as a duplicate). Its direct copy is handled and passed on when
			// it arrives; anything the author sent before our link existed is part of the
			// state it sent us after the handshake.
			this.counters.duplicatesDropped.increment();
			return false;
		}
		long now = this.clock.getAsLong();
		long horizon = now - Flags.MAX_BROADCAST_AGE_SECONDS;
		if (message.time() < horizon) {
			this.counters.expiredDropped.increment();
			return false;
		}
		if (!this.seen.add(message.blob(), message.time(), now)) {
			this.counters.duplicatesDropped.increment();
			return false;
		}
		this.seen.pruneUpTo(horizon);
		return true;
	}

	/**
	 * Passes a new broadcast on to every peer but its author that it is for (the layer
	 * above decides for the messages it claimed).
	 */
	void relay(WireMessage message, MeshExtension.@Nullable Claimed claimed) {
		if (claimed == null && MeshMessages.isInvalidBroadcast(message)) {
			return; // the Dispatcher closes the link it came on
		}
		Predicate<Connection> recipients = (claimed != null) ? claimed.recipients() : Connection.ANY;
		for (Connection connection : this.links.routes()) {
			if (!message.sender().equals(connection.peerId()) && recipients.test(connection)) {
				this.outbox.write(connection, message.blob(), true);
				this.counters.broadcastsRelayed.increment();
			}
		}
	}

}
