package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.syncsocket.Peer;
import io.syncsocket.SocketClosedException;
import io.syncsocket.internal.transport.Dialer;
import io.syncsocket.internal.transport.Link;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every dial of one node, whoever asks for it: explicit connects and seeds
 * ({@link SeedDialer}), peers named by peer lists ({@link PeerExchange}) and re-dials
 * ({@link DuplicateLinks}). A dial whose link closed before its handshake is kept a
 * moment, as it may still have reached its node over another link. Under the node lock;
 * the transport's callbacks come back through the node loop.
 */
final class Dials {

	private static final Logger logger = LoggerFactory.getLogger(Dials.class);

	/**
	 * How long a lost dial waits for its node to complete a handshake on another link.
	 */
	private static final Duration LOST_DIAL_GRACE = Duration.ofSeconds(2);

	private static final int MAX_SELF_ENDPOINTS = 64;

	private final NodeExecutor loop;

	private final LinkTable links;

	/** Peer ids dialed for a peer list or a re-dial, until their dial ends. */
	private final Map<String, Long> byPeerId = new HashMap<>();

	private final List<LostDial> lost = new ArrayList<>();

	/** Dials per {@code host:port} whose connect has not been reported yet. */
	private final Map<String, Integer> connecting = new HashMap<>();

	/**
	 * {@code host:port} endpoints that led back to this node: a dial of one that loses
	 * its link before the handshake dialed this node, even when the link closed before
	 * the dial could see its handshake.
	 */
	private final Set<String> selfEndpoints = new HashSet<>();

	/**
	 * Why recent links closed, for a dial whose connect callback comes after its link is
	 * gone (bounded: only the last few matter).
	 */
	private final Map<Link, CloseCause> closeReasons = new java.util.LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Link, CloseCause> eldest) {
			return size() > 64;
		}

	};

	private volatile @Nullable Dialer transport;

	private boolean closing;

	Dials(NodeExecutor loop, LinkTable links) {
		this.loop = loop;
		this.links = links;
	}

	void transport(Dialer transport) {
		this.transport = transport;
	}

	/**
	 * Dials an address; the future completes with the peer once its handshake is
	 * accepted.
	 */
	CompletableFuture<Peer> connect(String host, int port) {
		CompletableFuture<Peer> handshake = new CompletableFuture<>();
		dial(host, port, null, handshake);
		return handshake;
	}

	/** Dials a peer known by id (from a peer list, or again after losing it). */
	void dialPeer(String peerId, InetSocketAddress address) {
		this.byPeerId.put(peerId, this.loop.nanoTime());
		dial(address.getHostString(), address.getPort(), peerId, null);
	}

	boolean isDialing(String peerId) {
		return this.byPeerId.containsKey(peerId);
	}

	/** The dial for that peer id ended (its link handshook or closed). */
	void ended(@Nullable String peerId) {
		if (peerId != null) {
			this.byPeerId.remove(peerId);
		}
	}

	/** Links this node dialed, open or still being dialed (for the peer-list limit). */
	int outgoing() {
		int count = this.links.outbound();
		// dials still in progress have no connection yet
		for (String peerId : this.byPeerId.keySet()) {
			if (!this.links.dialedFor(peerId)) {
				count++;
			}
		}
		return count;
	}

	/** The node is closing: no new dials, and lost dials fail now. */
	void close() {
		this.closing = true;
		for (LostDial dial : this.lost) {
			dial.handshake().completeExceptionally(new SocketClosedException("socket closed"));
		}
		this.lost.clear();
	}

	private void dial(String host, int port, @Nullable String expectedId, @Nullable CompletableFuture<Peer> handshake) {
		Dialer transport = this.transport;
		if (transport == null || this.closing) {
			if (handshake != null) {
				handshake.completeExceptionally(new SocketClosedException("socket is not running"));
			}
			return;
		}
		String target = host + ":" + port;
		this.connecting.merge(target, 1, Integer::sum);
		transport.connect(host, port).whenComplete((link, failure) -> this.loop.execute(() -> {
			this.connecting.computeIfPresent(target, (key, count) -> (count > 1) ? count - 1 : null);
			if (failure != null) {
				ended(expectedId);
				logger.debug("Cannot connect to {}:{}: {}", host, port, failure.getMessage());
				if (handshake != null) {
					handshake.completeExceptionally(isSelf(host, port) ? new SelfConnectionException() : failure);
				}
				return;
			}
			Connection connection = this.links.get(link);
			if (connection == null && !link.isOpen()) {
				// The connect callback can run after linkActive and linkClosed (a peer
				// that resets at once): the link is gone, and a Connection made now would
				// never close or fail the handshake, leaving the dial (and a seed waiting
				// for it) pending forever.
				ended(expectedId);
				CloseCause cause = this.closeReasons.remove(link);
				if (handshake != null) {
					closedBeforeHandshake(handshake, host, port, (cause != null) ? cause.reason() : null,
							(cause != null) ? cause.refusal() : null);
				}
				return;
			}
			if (connection == null) {
				connection = this.links.getOrAdd(link);
			}
			connection.expectedId = expectedId;
			connection.dialed = InetSocketAddress.createUnresolved(host, port);
			if (handshake != null) {
				if (connection.closed) {
					closedBeforeHandshake(handshake, host, port, connection.closeReason, connection.refusal);
				}
				else if (connection.peer != null) {
					handshake.complete(connection.peer);
				}
				else {
					connection.handshakeFuture = handshake;
				}
			}
		}));
	}

	/**
	 * A dialed link closed before its handshake. If the node at that address is connected
	 * over another link, the dial reached it: that node closed this link as a duplicate,
	 * possibly before its handshake was read here (a close with unread data is a reset,
	 * which discards what was received). Otherwise the dial failed.
	 */
	void lost(CompletableFuture<Peer> handshake, String host, int port, Exception cause) {
		if (isSelf(host, port)) {
			handshake.completeExceptionally(new SelfConnectionException());
			return;
		}
		for (Connection route : this.links.routes()) {
			Peer peer = Objects.requireNonNull(route.peer);
			if (peer.address().getPort() == port && peer.address().getHostString().equals(host)) {
				handshake.complete(peer);
				return;
			}
		}
		if (this.closing || !(this.links.inboundHandshakePending() || this.connecting.containsKey(host + ":" + port)
				|| this.links.handshakePendingTo(host, port))) {
			handshake.completeExceptionally(cause);
			return;
		}
		// That node may have dialed us at the same time and retired this link as a
		// duplicate of its own, whose handshake has not arrived yet, or kept another link
		// this node dialed to it (a peer list named it too) (both found by
		// SimulationTests):
		// wait a moment for that handshake.
		LostDial dial = new LostDial(handshake, host, port);
		this.lost.add(dial);
		this.loop.schedule(() -> {
			if (this.lost.remove(dial)) {
				handshake.completeExceptionally(cause);
			}
		}, LOST_DIAL_GRACE);
	}

	/**
	 * The dialed link closed before this dial's connect callback saw it: a refused
	 * handshake (duplicate id, self-connection) fails the dial with its reason, any other
	 * close is a lost dial.
	 */
	private void closedBeforeHandshake(CompletableFuture<Peer> handshake, String host, int port,
			@Nullable String reason, @Nullable Exception refusal) {
		if (refusal != null) {
			handshake.completeExceptionally(refusal);
		}
		else {
			lost(handshake, host, port, new SocketClosedException(closed(host, port, reason)));
		}
	}

	/** A link closed on a fault: remembered for a dial that has not seen the link yet. */
	void closedOnFault(Link link, String reason, @Nullable Exception refusal) {
		this.closeReasons.put(link, new CloseCause(reason, refusal));
	}

	/** Why a link closed: the fault, and the refusal of its handshake if that was it. */
	private record CloseCause(String reason, @Nullable Exception refusal) {
	}

	private static String closed(String host, int port, @Nullable String reason) {
		return "link to " + host + ":" + port + " closed" + ((reason != null) ? ": " + reason : "");
	}

	/**
	 * A handshake carried this node's own id: the endpoint it came through is this node.
	 * Bounded: a node has few listening endpoints, and names for them.
	 */
	void reachedSelf(InetSocketAddress endpoint) {
		if (this.selfEndpoints.size() < MAX_SELF_ENDPOINTS) {
			this.selfEndpoints.add(endpoint.getHostString() + ":" + endpoint.getPort());
			if (!endpoint.isUnresolved()) {
				this.selfEndpoints.add(endpoint.getAddress().getHostAddress() + ":" + endpoint.getPort());
			}
		}
	}

	private boolean isSelf(String host, int port) {
		return this.selfEndpoints.contains(host + ":" + port);
	}

	/**
	 * A peer completed its handshake: dials of its address that lost their own link
	 * succeeded after all.
	 */
	void peerConnected(Peer peer) {
		if (this.lost.isEmpty()) {
			return;
		}
		this.lost.removeIf((dial) -> {
			if (dial.port() == peer.address().getPort() && dial.host().equals(peer.address().getHostString())) {
				dial.handshake().complete(peer);
				return true;
			}
			return false;
		});
	}

	/**
	 * A dial whose link closed before its handshake, waiting for that node over another
	 * link.
	 */
	private record LostDial(CompletableFuture<Peer> handshake, String host, int port) {
	}

}
