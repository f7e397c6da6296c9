package io.syncsocket.internal.mesh;

import java.time.Duration;

import io.syncsocket.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two or more links to one peer (both nodes dialed, or one dialed twice): which one both
 * sides keep, and what happens when the one a peer is routed over closes while another is
 * still open (design.md, "Duplicate links"). Node loop.
 *
 * <p>
 * Exactly one side closes the extra links, so both keep the same link whatever order the
 * handshakes completed in on each side. With another syncsocket node the node with the
 * smaller id decides; js2p and py2p peers are not relied on, so towards them this node
 * always decides. The decider keeps its newest link (a peer that restarted under the same
 * id replaces its stale one) and retires the others. The other side keeps every link
 * until the decider closes one, routing over its own newest; if that is the one closed it
 * moves to the survivor and both sides re-sync ({@link #takeOver}).
 */
final class DuplicateLinks {

	private static final Logger logger = LoggerFactory.getLogger(DuplicateLinks.class);

	private final String id;

	/** How long a retired link may drain before it is closed anyway. */
	private final Duration retireTimeout;

	private final LinkTable links;

	private final Dials dials;

	private final PeerExchange exchange;

	DuplicateLinks(String id, Duration retireTimeout, LinkTable links, Dials dials, PeerExchange exchange) {
		this.id = id;
		this.retireTimeout = retireTimeout;
		this.links = links;
		this.dials = dials;
		this.exchange = exchange;
	}

	/**
	 * A second link to a peer completed its handshake and is routed from now on: the
	 * decider retires the older one, the other side keeps it until the decider chooses.
	 */
	void resolve(Connection existing, Connection fresh, Peer peer) {
		if (decidesBetweenLinks(peer)) {
			logger.debug("Closing duplicate link {} to peer {}: keeping {}", existing.link,
					Connection.abbreviate(peer.id()), fresh.link);
			// Its queued messages are dropped: what the peer sent there is in the state
			// it sends on the fresh link. Retired, not closed: the peer still reads our
			// handshake on it, so its dial completes, and then sees the link end and
			// routes over the fresh one.
			existing.closed = true;
			existing.retired = true;
			existing.link.retire(this.retireTimeout);
			existing.cancelTimers();
		}
		else {
			logger.debug("Second link {} to peer {}: routing over it, {} kept until the peer picks one", fresh.link,
					Connection.abbreviate(peer.id()), existing.link);
		}
	}

	private boolean decidesBetweenLinks(Peer peer) {
		return peer.dialect() != Peer.Dialect.SYNCSOCKET || this.id.compareTo(peer.id()) < 0;
	}

	/**
	 * The link the peer is routed over closed. If the peer kept another link to this
	 * node, route over that one. What this node wrote to the closed link may be lost, and
	 * the peer's own broadcasts on the other link were dropped (a peer's broadcasts are
	 * taken from its route only), so both sides' states are exchanged again; merging them
	 * is idempotent.
	 * @return whether another link took over
	 */
	boolean takeOver(Connection closed, Peer peer) {
		Connection alternate = this.links.alternate(peer.id(), closed);
		if (alternate == null) {
			return false;
		}
		this.links.route(peer.id(), alternate);
		logger.debug("Peer {} kept link {}; routing over it and re-syncing", Connection.abbreviate(peer.id()),
				alternate.link);
		this.exchange.sendState(alternate);
		this.exchange.requestState(alternate);
		return true;
	}

	/**
	 * The peer is gone. If this node kept a newer link to it and retired an older one,
	 * which the peer may still route over until it sees it end, neither side would dial
	 * again (an explicit connect is not re-dialed), so the two would stay apart: this
	 * node, whose choice took the older link away, dials the peer once more.
	 */
	void lost(Peer peer) {
		if (!this.links.retiredLinkOpen(peer.id())) {
			return;
		}
		for (Connection connection : this.links.all()) {
			if (peer.id().equals(connection.peerId())) {
				// once per retirement: a peer that closes every new link is not
				// dialed in a loop
				connection.retired = false;
			}
		}
		if (this.dials.isDialing(peer.id())) {
			return;
		}
		logger.debug("Lost the link kept to peer {} while a retired one drains: dialing it again",
				Connection.abbreviate(peer.id()));
		this.dials.dialPeer(peer.id(), peer.address());
	}

}
