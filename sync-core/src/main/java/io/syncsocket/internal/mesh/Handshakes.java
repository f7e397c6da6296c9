package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.syncsocket.DuplicateNodeIdException;
import io.syncsocket.LinkFault;
import io.syncsocket.Peer;
import io.syncsocket.internal.transport.Addresses;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MeshMessages;
import io.syncsocket.internal.wire.MeshMessages.Handshake;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake of every link (PROTOCOL.md §5.1–5.3), from this node's own, sent when the
 * link opens, to the peer it makes. The peer's handshake is refused, with a fault that
 * closes the link, if it is malformed, names another protocol (the fault says which
 * setting differs), or carries this node's own id: from another address that is a second
 * node using it, else this node reached through one of its own addresses. Accepted, it
 * chooses the compression, records the peer and its dialect (js2p, py2p or syncsocket, as
 * {@link MeshMessages} reads it from the encoding), routes the peer over the link (a
 * second link to it goes to {@link DuplicateLinks}), sends this node's peers and state
 * and completes the link's connect. A link without a valid handshake within the timeout
 * is closed. Node loop.
 */
final class Handshakes {

	private static final Logger logger = LoggerFactory.getLogger(Handshakes.class);

	private final LocalNode self;

	/** Names, for a peer's protocol id, the setting that differs from ours. */
	private final Function<String, String> explainProtocol;

	private final Duration timeout;

	/** How long a peer may stay silent about its peers before it is asked. */
	private final Duration peerRequestDelay;

	private final Clock clock;

	private final NodeExecutor loop;

	private final LinkTable links;

	private final Dials dials;

	private final Outbox outbox;

	private final PeerExchange exchange;

	private final DuplicateLinks duplicates;

	private final LinkFaults faults;

	private final Listeners listeners;

	/** Addresses of nodes found using our id, logged at ERROR once each. */
	private final Set<String> duplicateIdLogged = new HashSet<>();

	Handshakes(LocalNode self, Function<String, String> explainProtocol, Duration timeout, Duration peerRequestDelay,
			Clock clock, NodeExecutor loop, LinkTable links, Dials dials, Outbox outbox, PeerExchange exchange,
			DuplicateLinks duplicates, LinkFaults faults, Listeners listeners) {
		this.self = self;
		this.explainProtocol = explainProtocol;
		this.timeout = timeout;
		this.peerRequestDelay = peerRequestDelay;
		this.clock = clock;
		this.loop = loop;
		this.links = links;
		this.dials = dials;
		this.outbox = outbox;
		this.exchange = exchange;
		this.duplicates = duplicates;
		this.faults = faults;
		this.listeners = listeners;
	}

	/**
	 * A link opened: sends this node's handshake (unless it went out already) and starts
	 * the timer for the peer's.
	 */
	void opened(Connection connection) {
		if (!connection.handshakeSent) {
			List<Object> payload = this.self.handshake();
			this.outbox.write(connection, MessageCodec.encode(Flags.WHISPER, this.self.id(), nowSeconds(), payload),
					false);
			connection.handshakeSent = true;
		}
		connection.handshakeTimer = this.loop.schedule(() -> timedOut(connection), this.timeout);
	}

	private void timedOut(Connection connection) {
		if (!connection.closed && !connection.handshaken()) {
			this.faults.fault(connection, LinkFault.HANDSHAKE_TIMEOUT, "no valid handshake within " + this.timeout);
		}
	}

	/** The peer's handshake, on a link that has not completed one. */
	void received(Connection from, WireMessage message) {
		Handshake handshake = check(from, message);
		if (handshake != null) {
			accept(from, handshake);
		}
	}

	/** The handshake if it is accepted; else null, with the fault reported. */
	private @Nullable Handshake check(Connection from, WireMessage message) {
		List<@Nullable Object> p = message.payload();
		if (p.size() != 5) {
			// js2p ignores such a handshake and keeps the link unregistered; so do we.
			this.faults.fault(from, LinkFault.IGNORED_HANDSHAKE,
					"handshake with " + p.size() + " elements (expected: 5)");
			return null;
		}
		Handshake handshake;
		try {
			handshake = MeshMessages.handshake(p);
		}
		catch (WireFormatException ex) {
			this.faults.fault(from, ex.fault(), ex.getMessage());
			return null;
		}
		String peerId = handshake.nodeId();
		String peerProtocol = handshake.protocolId();
		InetSocketAddress address = handshake.address();
		String protocolId = this.self.protocolId();
		if (!protocolId.equals(peerProtocol)) {
			this.faults.fault(from, LinkFault.PROTOCOL_MISMATCH, "protocol id " + peerProtocol + " (ours: " + protocolId
					+ "): " + this.explainProtocol.apply(peerProtocol));
			return null;
		}
		if (this.self.id().equals(peerId) && !this.self.isOwnAddress(address)) {
			// Another live node uses our id (two instances given one sync.node-id, say):
			// links to either would be routed to both. Refuse it, loudly, on both sides.
			String other = Addresses.text(address);
			if (this.duplicateIdLogged.size() < 64 && this.duplicateIdLogged.add(other)) {
				logger.error("The node at {} uses this node's id ({}): two live nodes must not share an id. Give each "
						+ "node its own node id or node name (sync.node-id / sync.node-name), or leave both unset "
						+ "(further refusals of {} are logged at DEBUG)", other, Connection.abbreviate(peerId), other);
			}
			else {
				logger.debug("Refused {}: the node at {} uses this node's id", from, other);
			}
			from.refuseHandshake(new DuplicateNodeIdException(other));
			this.faults.fault(from, LinkFault.DUPLICATE_NODE_ID, "the peer at " + other + " uses our node id");
			return null;
		}
		if (this.self.id().equals(peerId)) {
			// The address it advertises is ours, and so is the one this link dialed. A
			// dial of them that loses its link first still learns that it reached itself.
			this.dials.reachedSelf(address);
			if (from.link.outbound()) {
				this.dials.reachedSelf(from.link.remoteAddress());
			}
			if (from.dialed != null) {
				this.dials.reachedSelf(from.dialed);
			}
			from.refuseHandshake(new SelfConnectionException());
			this.faults.fault(from, LinkFault.SELF_CONNECTION, "the peer has our own node id");
			return null;
		}
		return handshake;
	}

	private void accept(Connection from, Handshake handshake) {
		String peerId = handshake.nodeId();
		List<Integer> compression = handshake.compression();
		Connection existing = this.links.route(peerId);
		from.cancelTimers();
		Compression chosen = Compression.choose(this.self.compression(), compression);
		from.link.compression(chosen);
		from.peerCompression = compression;
		Peer peer = new Peer(peerId, handshake.address(), from.link.remoteAddress(),
				from.link.outbound() ? Peer.Direction.OUTBOUND : Peer.Direction.INBOUND,
				Instant.ofEpochMilli(this.clock.millis()), Compression.displayName(chosen), handshake.dialect());
		from.peer = peer;
		// The newest link carries this node's traffic from now on; the state and peers
		// sent on it below cover whatever went out on an older one.
		this.links.route(peerId, from);
		if (existing != null) {
			this.duplicates.resolve(existing, from, peer);
		}
		this.dials.ended(from.expectedId);
		logger.debug("Peer {} connected ({}, compression {})", from, peer.direction(), peer.compression());
		this.exchange.sendPeers(from);
		this.exchange.sendState(from);
		from.peerRequestTimer = this.loop.schedule(() -> requestPeersIfSilent(from), this.peerRequestDelay);
		from.completeHandshake(peer);
		this.dials.peerConnected(peer);
		if (existing == null) {
			this.listeners.peerConnected(peer);
		}
	}

	private void requestPeersIfSilent(Connection connection) {
		if (!connection.closed && connection.handshaken() && !connection.peersReceived) {
			this.exchange.requestState(connection);
		}
	}

	private long nowSeconds() {
		return Math.floorDiv(this.clock.millis(), 1000);
	}

}
