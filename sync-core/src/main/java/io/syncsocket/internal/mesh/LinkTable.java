package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.syncsocket.Peer;
import io.syncsocket.internal.transport.Link;
import org.jspecify.annotations.Nullable;

/**
 * The open links of one node and its routing table: which handshaken link carries each
 * peer's traffic. Under the node lock, except {@link #openLinks()} and {@link #peers()}.
 */
final class LinkTable {

	/**
	 * Every open link (links compare by identity), in the order they opened, so that
	 * scans are deterministic.
	 */
	private final Map<Link, Connection> connections = new LinkedHashMap<>();

	/** Handshaken connections by peer id. */
	private final Map<String, Connection> routes = new HashMap<>();

	/** {@link #routes} as an array, rebuilt when it changes: every broadcast walks it. */
	private Connection[] routeArray = new Connection[0];

	private volatile int openLinks;

	private volatile List<Peer> peers = List.of();

	@Nullable Connection get(Link link) {
		return this.connections.get(link);
	}

	/** The connection of a link, made when the link is first seen. */
	Connection getOrAdd(Link link) {
		Connection connection = this.connections.computeIfAbsent(link, Connection::new);
		this.openLinks = this.connections.size();
		return connection;
	}

	@Nullable Connection remove(Link link) {
		Connection connection = this.connections.remove(link);
		this.openLinks = this.connections.size();
		return connection;
	}

	/** Every open link's connection, handshaken or not, in the order they opened. */
	Collection<Connection> all() {
		return this.connections.values();
	}

	/** Open links, for stats. Any thread. */
	int openLinks() {
		return this.openLinks;
	}

	@Nullable Connection route(String peerId) {
		return this.routes.get(peerId);
	}

	boolean isRouted(String peerId) {
		return this.routes.containsKey(peerId);
	}

	/** The peer's traffic goes over this connection from now on. */
	void route(String peerId, Connection connection) {
		this.routes.put(peerId, connection);
		peersChanged();
	}

	void unroute(String peerId) {
		this.routes.remove(peerId);
		peersChanged();
	}

	/** The routed connections; do not change the table while iterating. */
	Connection[] routes() {
		return this.routeArray;
	}

	/** The handshaken peers, a snapshot. Any thread. */
	List<Peer> peers() {
		return this.peers;
	}

	/**
	 * Rebuilds the route array and the peer snapshot (a route or a routed peer changed).
	 */
	void peersChanged() {
		this.routeArray = this.routes.values().toArray(new Connection[0]);
		List<Peer> snapshot = new ArrayList<>(this.routeArray.length);
		for (Connection connection : this.routeArray) {
			snapshot.add(Objects.requireNonNull(connection.peer));
		}
		this.peers = List.copyOf(snapshot);
	}

	/**
	 * Another open, handshaken link to the same peer (kept while the peer resolves a
	 * duplicate).
	 */
	@Nullable Connection alternate(String peerId, Connection closed) {
		for (Connection connection : this.connections.values()) {
			if (connection != closed && !connection.closed && peerId.equals(connection.peerId())) {
				return connection;
			}
		}
		return null;
	}

	/**
	 * Whether a link to the peer that this node retired as a duplicate is still draining.
	 */
	boolean retiredLinkOpen(String peerId) {
		for (Connection connection : this.connections.values()) {
			if (connection.retired && peerId.equals(connection.peerId())) {
				return true;
			}
		}
		return false;
	}

	/** Whether a link another node dialed to us is open and waiting for its handshake. */
	boolean inboundHandshakePending() {
		for (Connection connection : this.connections.values()) {
			if (!connection.closed && !connection.handshaken() && !connection.link.outbound()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether a link this node dialed to that address is open and waiting for its
	 * handshake.
	 */
	boolean handshakePendingTo(String host, int port) {
		for (Connection connection : this.connections.values()) {
			InetSocketAddress dialed = connection.dialed;
			if (!connection.closed && !connection.handshaken() && dialed != null && dialed.getPort() == port
					&& dialed.getHostString().equals(host)) {
				return true;
			}
		}
		return false;
	}

	/** Open links this node dialed. */
	int outbound() {
		int count = 0;
		for (Connection connection : this.connections.values()) {
			if (connection.link.outbound()) {
				count++;
			}
		}
		return count;
	}

	/**
	 * Whether an open link dialed for this peer id exists (its handshake may still be
	 * under way).
	 */
	boolean dialedFor(String peerId) {
		for (Connection connection : this.connections.values()) {
			if (peerId.equals(connection.expectedId)) {
				return true;
			}
		}
		return false;
	}

}
