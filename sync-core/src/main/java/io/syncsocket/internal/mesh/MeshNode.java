package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.syncsocket.DuplicateNodeIdException;
import io.syncsocket.LinkFault;
import io.syncsocket.MeshOptions;
import io.syncsocket.Message;
import io.syncsocket.MessageListener;
import io.syncsocket.Peer;
import io.syncsocket.PeerListener;
import io.syncsocket.SocketClosedException;
import io.syncsocket.internal.transport.Addresses;
import io.syncsocket.internal.transport.Dialer;
import io.syncsocket.internal.transport.Link;
import io.syncsocket.internal.transport.LinkListener;
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
 * The mesh protocol of one socket (PROTOCOL.md §5–6): link lifecycle, handshakes and the
 * choice between duplicate links, and dispatch to its parts: {@link LinkTable} (links and
 * routes), {@link Dials}, {@link SeedDialer}, {@link Waterfall} (which broadcasts are
 * new, and relaying them), {@link PeerExchange} (peer lists, requests, renegotiation),
 * {@link Outbox} (sending) and {@link UserInbox}.
 *
 * <p>
 * Threading: {@link LinkListener} callbacks arrive on I/O threads and are handed to the
 * {@link NodeLoop}; every field below the "node lock state" line is touched only under
 * the node lock, on the loop or on a user thread running a change inline (the
 * public-facing and sending methods; see {@link NodeLoop}). {@link #peers()},
 * {@link #poll()} and {@link #recv} are safe from any thread.
 */
public final class MeshNode implements LinkListener, SeedDialer.Mesh {

	private static final Logger logger = LoggerFactory.getLogger(MeshNode.class);

	private static final byte[] REQUEST_ALL = "*".getBytes(StandardCharsets.UTF_8);

	private final MeshOptions options;

	private final String id;

	private final String protocolId;

	private final String advertisedHost;

	private final int advertisedPort;

	private final NodeExecutor loop;

	private final MeshCounters counters;

	/** The compression ids this node advertises and uses, in its order of preference. */
	private final List<Integer> compression;

	private final UserInbox inbox;

	private final List<PeerListener> peerListeners;

	/** Names, for a peer's protocol id, the setting that differs from ours. */
	private final Function<String, String> explainProtocol;

	private @Nullable MeshExtension extension;

	// ---- node lock state

	/** The open links and the routing table. */
	private final LinkTable links = new LinkTable();

	private final Dials dials;

	private final SeenSet seen;

	private final Outbox outbox;

	private final PeerExchange exchange;

	private final java.util.concurrent.atomic.AtomicLong refusalsLogged = new java.util.concurrent.atomic.AtomicLong();

	private final SeedDialer seeds;

	private final Waterfall waterfall;

	/** Addresses of nodes found using our id, logged at ERROR once each. Node loop. */
	private final Set<String> duplicateIdLogged = new HashSet<>();

	private boolean closing;

	/**
	 * @param messageListeners the socket's live (thread-safe) list of message listeners
	 * @param peerListeners the socket's live (thread-safe) list of peer listeners
	 */
	public MeshNode(MeshOptions options, String id, String protocolId, String advertisedHost, int advertisedPort,
			NodeExecutor loop, MeshCounters counters, List<MessageListener> messageListeners,
			List<PeerListener> peerListeners, Function<String, String> explainProtocol) {
		this.peerListeners = peerListeners;
		this.explainProtocol = explainProtocol;
		this.options = options;
		this.id = id;
		this.protocolId = protocolId;
		this.advertisedHost = advertisedHost;
		this.advertisedPort = advertisedPort;
		this.loop = loop;
		this.counters = counters;
		this.inbox = new UserInbox(options.limits().userQueueCapacity(), messageListeners, counters, this::deliver);
		this.compression = Compression.ids(options.compression().methods());
		this.dials = new Dials(loop, this.links);
		this.seeds = new SeedDialer(this, options);
		this.seen = new SeenSet(options.limits().maxSeenMessages());
		this.outbox = new Outbox(id, options.clock(), this.links, this.seen, counters,
				options.compression().threshold());
		this.waterfall = new Waterfall(this.links, this.seen, counters, this.outbox, this::nowSeconds);
		this.exchange = new PeerExchange(id, advertisedHost, advertisedPort, options, loop, this.links, this.dials,
				this.outbox, this.seen, this.compression);
		loop.afterEachBatch(this.outbox::flushLinks);
	}

	/**
	 * Starts dialing the configured seeds, skipping those of their addresses that are
	 * this node's bound or advertised address. Any thread.
	 */
	public void startSeeds(InetSocketAddress bound) {
		InetSocketAddress advertised = InetSocketAddress.createUnresolved(this.advertisedHost, this.advertisedPort);
		this.loop.execute(() -> this.seeds.start(bound, advertised));
	}

	/** Replaces how seed names are resolved (tests); before {@link #startSeeds}. */
	void seedResolver(SeedDialer.Resolver resolver) {
		this.seeds.resolver(resolver);
	}

	/**
	 * What dials peers: the Netty {@link io.syncsocket.internal.transport.Transport}, or
	 * a simulated network.
	 */
	public void transport(Dialer transport) {
		this.dials.transport(transport);
	}

	/** Installs the layer above the mesh; must be called before the socket starts. */
	public void extension(MeshExtension extension) {
		this.extension = extension;
		this.exchange.extension(extension);
	}

	/** What this node sends: for the layer above. */
	public Outbox outbox() {
		return this.outbox;
	}

	public String id() {
		return this.id;
	}

	@Override
	public NodeExecutor loop() {
		return this.loop;
	}

	public long nowSeconds() {
		return Math.floorDiv(this.options.clock().millis(), 1000);
	}

	// ------------------------------------------------------------------ public-facing
	// operations

	@Override
	public List<Peer> peers() {
		return this.links.peers();
	}

	/** Links open right now, handshaken or not. Any thread. */
	public int openLinks() {
		return this.links.openLinks();
	}

	public @Nullable Message poll() {
		return this.inbox.poll();
	}

	public @Nullable Message recv(long timeout, TimeUnit unit) throws InterruptedException {
		return this.inbox.poll(timeout, unit);
	}

	/**
	 * Dials a peer. The future completes with the peer once its handshake is accepted, or
	 * fails if the connection cannot be made or closes first. Any thread.
	 */
	@Override
	public CompletableFuture<Peer> connect(String host, int port) {
		return this.dials.connect(host, port);
	}

	/** Closes the link to a peer; false if there is none. Under the node lock. */
	public boolean disconnect(String peerId) {
		if (!this.links.isRouted(peerId)) {
			return false;
		}
		for (Connection connection : this.links.all()) {
			if (peerId.equals(connection.peerId())) {
				connection.link.close();
			}
		}
		return true;
	}

	/**
	 * Broadcasts a user message: {@code [0x00, packets...]}, stamped now or, if this node
	 * sent the very same message this second, the next one. Under the node lock.
	 * @return false if it was sent at both seconds already (a peer would drop it as a
	 * duplicate, PROTOCOL.md §9 Q15): nothing was sent
	 */
	public boolean sendUserBroadcast(List<?> packets) {
		List<Object> payload = new ArrayList<>(packets.size() + 1);
		payload.add(Flags.BROADCAST);
		payload.addAll(packets);
		long now = nowSeconds();
		Outbox.Authored message = this.outbox.author(payload, Connection.ANY, now, now + 1);
		if (message == null) {
			return false;
		}
		this.outbox.publish(message);
		return true;
	}

	/**
	 * Whispers a user message {@code [0x02, packets...]} to one peer; false if not
	 * connected. Under the node lock.
	 */
	public boolean sendUserWhisper(String peerId, List<?> packets) {
		Connection connection = this.links.route(peerId);
		if (connection == null) {
			return false;
		}
		List<Object> payload = new ArrayList<>(packets.size() + 1);
		payload.add(Flags.WHISPER);
		payload.addAll(packets);
		this.outbox.whisper(connection, payload);
		return true;
	}

	/** Closes every link and fails pending connects. Node loop. */
	public void closeAll() {
		this.closing = true;
		this.seeds.stop();
		for (Connection connection : new ArrayList<>(this.links.all())) {
			connection.link.close();
			failHandshake(connection, new SocketClosedException("socket closed"));
		}
		this.dials.close();
	}

	private void sendHandshake(Connection connection) {
		List<Object> payload = List.of(Flags.HANDSHAKE, this.id, this.protocolId.getBytes(StandardCharsets.US_ASCII),
				List.of(this.advertisedHost, this.advertisedPort), this.compression);
		this.outbox.write(connection, MessageCodec.encode(Flags.WHISPER, this.id, nowSeconds(), payload), false);
		connection.handshakeSent = true;
	}

	// ------------------------------------------------------------------ LinkListener
	// (I/O threads)

	@Override
	public void linkActive(Link link) {
		this.loop.execute(() -> {
			Connection connection = connectionFor(link);
			if (this.closing) {
				link.close();
				return;
			}
			if (!connection.handshakeSent) {
				sendHandshake(connection);
			}
			connection.handshakeTimer = this.loop.schedule(() -> handshakeTimedOut(connection),
					this.options.timeouts().handshake());
		});
	}

	@Override
	public void messageReceived(Link link, WireMessage message) {
		messagesReceived(link, List.of(message));
	}

	@Override
	public void messagesReceived(Link link, List<WireMessage> messages) {
		for (WireMessage message : messages) {
			this.counters.messagesReceived.increment();
			this.counters.bytesReceived.add(message.blob().length);
		}
		this.loop.execute(() -> {
			Connection connection = this.links.get(link);
			for (WireMessage message : messages) {
				if (connection == null || connection.closed) {
					return;
				}
				try {
					receive(connection, message);
				}
				catch (WireFormatException ex) {
					fault(connection, ex.fault(), ex.getMessage());
				}
				catch (RuntimeException ex) {
					// a message no handler expected: that link goes, the node and its
					// data stay
					logger.warn("Unexpected error handling {} from {}", message, connection, ex);
					fault(connection, LinkFault.INVALID_MESSAGE, ex.toString());
				}
			}
		});
	}

	@Override
	public void linkFault(Link link, LinkFault fault, String detail) {
		this.loop.execute(() -> fault(connectionFor(link), fault, detail));
	}

	@Override
	public void linkRefused(InetSocketAddress remote, LinkFault fault, String detail) {
		this.counters.fault(fault);
		if (this.refusalsLogged.getAndIncrement() % 100 == 0) {
			logger.warn("Refused a connection from {}: {} ({}); every 100th refusal is logged", Addresses.text(remote),
					fault, detail);
		}
	}

	@Override
	public void linkClosed(Link link) {
		this.loop.execute(() -> {
			Connection connection = this.links.remove(link);
			if (connection == null) {
				return;
			}
			connection.closed = true;
			cancel(connection);
			String closed = "link " + link + " closed before the handshake"
					+ ((connection.closeReason != null) ? ": " + connection.closeReason : "");
			if (connection.closeReason != null && connection.dialed == null && connection.link.outbound()) {
				// a dial whose connect callback has not run yet finds the reason here
				this.dials.closedOnFault(link, connection.closeReason);
			}
			CompletableFuture<Peer> handshake = connection.handshakeFuture;
			InetSocketAddress dialed = connection.dialed;
			if (handshake != null && dialed != null) {
				connection.handshakeFuture = null;
				this.dials.lost(handshake, dialed.getHostString(), dialed.getPort(), new SocketClosedException(closed));
			}
			failHandshake(connection, new SocketClosedException(closed));
			this.dials.ended(connection.expectedId);
			Peer peer = connection.peer;
			if (peer != null && this.links.route(peer.id()) == connection) {
				Connection alternate = this.links.alternate(peer.id(), connection);
				if (alternate != null && !this.closing) {
					promote(alternate);
					return;
				}
				this.links.unroute(peer.id());
				logger.debug("Peer {} disconnected", connection);
				notifyPeerListeners(peer, false);
				if (!this.closing && this.links.retiredLinkOpen(peer.id())) {
					redial(peer);
				}
			}
		});
	}

	/**
	 * This node kept a newer link to the peer and retired an older one, which the peer
	 * may still route over until it sees it end; now the newer link is gone too. Neither
	 * side would dial again (an explicit connect is not re-dialed), so the two would stay
	 * apart: this node, whose choice took the older link away, dials the peer once more.
	 */
	private void redial(Peer peer) {
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

	/**
	 * Asks a peer for its peers and full state ({@code request "*"}, PROTOCOL.md §5.5).
	 */
	public void requestState(Connection connection) {
		this.outbox.whisper(connection, List.of(Flags.REQUEST, REQUEST_ALL));
	}

	/**
	 * The peer closed the link this node routed over and kept another: route over that
	 * one. What this node wrote to the closed link may be lost, and the peer's own
	 * broadcasts on the other link were dropped (a peer's broadcasts are taken from its
	 * route only), so both sides' states are exchanged again; merging them is idempotent.
	 */
	private void promote(Connection alternate) {
		Peer peer = Objects.requireNonNull(alternate.peer);
		this.links.route(peer.id(), alternate);
		logger.debug("Peer {} kept link {}; routing over it and re-syncing", Connection.abbreviate(peer.id()),
				alternate.link);
		if (this.extension != null) {
			this.extension.sendState(alternate);
		}
		requestState(alternate);
	}

	// ------------------------------------------------------------------ receiving (node
	// loop)

	private Connection connectionFor(Link link) {
		return this.links.getOrAdd(link);
	}

	private void receive(Connection from, WireMessage message) {
		int type = message.msgType();
		if (type != Flags.BROADCAST && type != Flags.WHISPER && type != Flags.RENEGOTIATE) {
			fault(from, LinkFault.UNKNOWN_FLAG, "main flag " + type);
			return;
		}
		if (type != Flags.RENEGOTIATE && message.subFlag() == Flags.HANDSHAKE) {
			if (!from.handshaken()) {
				handshake(from, message);
			}
			return;
		}
		if (!from.handshaken()) {
			fault(from, LinkFault.MESSAGE_BEFORE_HANDSHAKE, "sub-flag " + message.subFlag() + " before the handshake");
			return;
		}
		if (type == Flags.RENEGOTIATE) {
			this.exchange.renegotiate(from, message);
			return;
		}
		boolean broadcast = type == Flags.BROADCAST;
		if (broadcast && !this.waterfall.admit(from, message)) {
			return;
		}
		// parsed once, before it is passed on: a malformed message closes the link it
		// came on here, and relayed it would close every peer's link to us as well
		MeshExtension.Claimed claimed = claim(message);
		if (broadcast) {
			this.waterfall.relay(message, claimed);
		}
		dispatch(from, message, claimed);
	}

	private MeshExtension.@Nullable Claimed claim(WireMessage message) {
		int subFlag = message.subFlag();
		MeshExtension extension = this.extension;
		if (extension == null || subFlag == Flags.PEERS || subFlag == Flags.REQUEST || subFlag == Flags.RESPONSE) {
			return null;
		}
		return extension.claim(message);
	}

	private void dispatch(Connection from, WireMessage message, MeshExtension.@Nullable Claimed claimed) {
		int subFlag = message.subFlag();
		switch (subFlag) {
			case Flags.PEERS -> this.exchange.peersReceived(from, message);
			case Flags.REQUEST -> this.exchange.request(from, message);
			case Flags.RESPONSE -> {
				// Answers to route requests; this node never sends one (PROTOCOL.md
				// §5.5).
			}
			default -> {
				MeshExtension extension = this.extension;
				if (claimed != null && extension != null) {
					extension.handle(from, message, claimed);
					return;
				}
				if (subFlag == Flags.BROADCAST || subFlag == Flags.WHISPER) {
					this.inbox.received(message);
				}
				else {
					fault(from, LinkFault.UNKNOWN_FLAG, "sub-flag " + PeerExchange.describeFlag(message));
				}
			}
		}
	}

	// ---- handshake (PROTOCOL.md §5.1–5.3)

	private void handshake(Connection from, WireMessage message) {
		List<@Nullable Object> p = message.payload();
		if (p.size() != 5) {
			// js2p ignores such a handshake and keeps the link unregistered; so do we.
			fault(from, LinkFault.IGNORED_HANDSHAKE, "handshake with " + p.size() + " elements (expected: 5)");
			return;
		}
		Handshake handshake;
		try {
			handshake = MeshMessages.handshake(p);
		}
		catch (WireFormatException ex) {
			fault(from, ex.fault(), ex.getMessage());
			return;
		}
		String peerId = handshake.nodeId();
		String peerProtocol = handshake.protocolId();
		InetSocketAddress address = handshake.address();
		List<Integer> compression = handshake.compression();
		if (!this.protocolId.equals(peerProtocol)) {
			fault(from, LinkFault.PROTOCOL_MISMATCH, "protocol id " + peerProtocol + " (ours: " + this.protocolId
					+ "): " + this.explainProtocol.apply(peerProtocol));
			return;
		}
		if (this.id.equals(peerId) && !isOwnAddress(address)) {
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
			failHandshake(from, new DuplicateNodeIdException(other));
			fault(from, LinkFault.DUPLICATE_NODE_ID, "the peer at " + other + " uses our node id");
			return;
		}
		if (this.id.equals(peerId)) {
			// The address it advertises is ours, and so is the one this link dialed. A
			// dial of them that loses its link first still learns that it reached itself.
			this.dials.reachedSelf(address);
			if (from.link.outbound()) {
				this.dials.reachedSelf(from.link.remoteAddress());
			}
			if (from.dialed != null) {
				this.dials.reachedSelf(from.dialed);
			}
			failHandshake(from, new SelfConnectionException());
			fault(from, LinkFault.SELF_CONNECTION, "the peer has our own node id");
			return;
		}
		Connection existing = this.links.route(peerId);
		cancel(from);
		Compression chosen = Compression.choose(this.compression, compression);
		from.link.compression(chosen);
		from.peerCompression = compression;
		Peer peer = new Peer(peerId, address, from.link.remoteAddress(),
				from.link.outbound() ? Peer.Direction.OUTBOUND : Peer.Direction.INBOUND,
				Instant.ofEpochMilli(this.options.clock().millis()), Compression.displayName(chosen),
				handshake.dialect());
		from.peer = peer;
		// The newest link carries this node's traffic from now on; the state and peers
		// sent on it below cover whatever went out on an older one.
		this.links.route(peerId, from);
		if (existing != null) {
			resolveDuplicate(existing, from, peer);
		}
		this.dials.ended(from.expectedId);
		logger.debug("Peer {} connected ({}, compression {})", from, peer.direction(), peer.compression());
		this.exchange.sendPeers(from);
		if (this.extension != null) {
			this.extension.sendState(from);
		}
		from.peerRequestTimer = this.loop.schedule(() -> requestPeersIfSilent(from),
				this.options.timeouts().peerRequestDelay());
		completeHandshake(from, peer);
		this.dials.peerConnected(peer);
		if (existing == null) {
			notifyPeerListeners(peer, true);
		}
	}

	/**
	 * Two links to one peer (both nodes dialed, or one dialed twice): exactly one side
	 * closes the extra ones, so both keep the same link whatever order the handshakes
	 * completed in on each side. With another syncsocket node the node with the smaller
	 * id decides; js2p and py2p peers are not relied on, so towards them this node always
	 * decides. The decider keeps its newest link (a peer that restarted under the same id
	 * replaces its stale one). The other side keeps every link until the decider closes
	 * one, routing over its own newest; if that is the one closed it moves to the
	 * survivor and re-syncs (see {@link #linkClosed}).
	 */
	private void resolveDuplicate(Connection existing, Connection fresh, Peer peer) {
		if (decidesBetweenLinks(peer)) {
			logger.debug("Closing duplicate link {} to peer {}: keeping {}", existing.link,
					Connection.abbreviate(peer.id()), fresh.link);
			// Its queued messages are dropped: what the peer sent there is in the state
			// it sends on the fresh link. Retired, not closed: the peer still reads our
			// handshake on it, so its dial completes, and then sees the link end and
			// routes over the fresh one.
			existing.closed = true;
			existing.retired = true;
			existing.link.retire(this.options.timeouts().handshake());
			cancel(existing);
		}
		else {
			logger.debug("Second link {} to peer {}: routing over it, {} kept until the peer picks one", fresh.link,
					Connection.abbreviate(peer.id()), existing.link);
		}
	}

	private boolean decidesBetweenLinks(Peer peer) {
		return peer.dialect() != Peer.Dialect.SYNCSOCKET || this.id.compareTo(peer.id()) < 0;
	}

	private void handshakeTimedOut(Connection connection) {
		if (!connection.closed && !connection.handshaken()) {
			fault(connection, LinkFault.HANDSHAKE_TIMEOUT,
					"no valid handshake within " + this.options.timeouts().handshake());
		}
	}

	private void requestPeersIfSilent(Connection connection) {
		if (!connection.closed && connection.handshaken() && !connection.peersReceived) {
			requestState(connection);
		}
	}

	// ---- listeners, faults, bookkeeping

	/**
	 * Hands listener code to the listener executor if one is set, else to the node loop,
	 * which runs it after the current batch; either way in commit order (called under the
	 * node lock).
	 */
	public void deliver(Runnable callback) {
		Executor executor = this.options.threads().listenerExecutor();
		Runnable safe = () -> {
			try {
				callback.run();
			}
			catch (Throwable ex) {
				logger.warn("A listener threw; the socket ignores it", ex);
			}
		};
		if (executor != null) {
			executor.execute(safe);
		}
		else {
			this.loop.deliver(safe);
		}
	}

	private void notifyPeerListeners(Peer peer, boolean connected) {
		for (PeerListener listener : this.peerListeners) {
			deliver(() -> {
				if (connected) {
					listener.peerConnected(peer);
				}
				else {
					listener.peerDisconnected(peer);
				}
			});
		}
	}

	/**
	 * Counts a fault, logs its first occurrence on this link, and closes the link if the
	 * fault says so.
	 */
	public void fault(Connection connection, LinkFault fault, String detail) {
		this.counters.fault(fault);
		boolean first = connection.loggedFaults.add(fault);
		if (fault.closesLink()) {
			if (first && !connection.closed) {
				logger.info("Closing {}: {} ({})", connection, fault, detail);
			}
			if (connection.closeReason == null) {
				connection.closeReason = fault + " (" + detail + ")";
			}
			// Closing is asynchronous: messages of this link that were decoded in the
			// same read are already queued on the loop. Drop them rather than act on a
			// link we gave up on.
			connection.closed = true;
			if (!connection.handshaken()) {
				// Our handshake may still be queued (it goes out when the batch ends):
				// send it first, so that the peer's own check can say what differs.
				connection.link.flush();
			}
			connection.link.close();
		}
		else if (first && logger.isDebugEnabled()) {
			logger.debug("Ignoring a message from {}: {} ({}); further ones are counted only", connection, fault,
					detail);
		}
	}

	private static void completeHandshake(Connection connection, Peer peer) {
		CompletableFuture<Peer> future = connection.handshakeFuture;
		if (future != null) {
			connection.handshakeFuture = null;
			future.complete(peer);
		}
	}

	private static void failHandshake(Connection connection, Exception cause) {
		CompletableFuture<Peer> future = connection.handshakeFuture;
		if (future != null) {
			connection.handshakeFuture = null;
			future.completeExceptionally(cause);
		}
	}

	private static void cancel(Connection connection) {
		if (connection.handshakeTimer != null) {
			connection.handshakeTimer.cancel();
			connection.handshakeTimer = null;
		}
		if (connection.peerRequestTimer != null && connection.closed) {
			connection.peerRequestTimer.cancel();
			connection.peerRequestTimer = null;
		}
	}

	/** Handshaken connections, for the layer above. Under the node lock. */
	public Iterable<Connection> routes() {
		return java.util.Arrays.asList(this.links.routes());
	}

	/** Whether a handshake's advertised address is the one this node advertises. */
	private boolean isOwnAddress(InetSocketAddress address) {
		return address.getPort() == this.advertisedPort && address.getHostString().equals(this.advertisedHost);
	}

	/** Whether a dial failed because the address dialed is this node itself. */
	public static boolean isSelfConnection(Throwable failure) {
		return failure instanceof SelfConnectionException;
	}

	int seenSetSize() {
		return this.seen.size();
	}

}
