package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.syncsocket.LinkFault;
import io.syncsocket.MeshOptions;
import io.syncsocket.Message;
import io.syncsocket.MessageListener;
import io.syncsocket.Peer;
import io.syncsocket.PeerListener;
import io.syncsocket.SocketClosedException;
import io.syncsocket.internal.transport.Dialer;
import io.syncsocket.internal.transport.Link;
import io.syncsocket.internal.transport.LinkListener;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh protocol of one socket (PROTOCOL.md §5–6) as the socket and the layer above
 * see it: it builds its parts, takes the transport's callbacks (a link opens, reads,
 * fails, closes) to the node loop, and answers the public-facing operations. The parts:
 * {@link LinkTable} (links and routes), {@link Handshakes}, {@link DuplicateLinks},
 * {@link Dispatcher} (who handles each message), {@link Waterfall} (which broadcasts are
 * new, and relaying them), {@link PeerExchange} (peer lists, requests, renegotiation),
 * {@link Dials} and {@link SeedDialer} (every dial), {@link Outbox} (sending),
 * {@link UserInbox}, {@link Listeners} and {@link LinkFaults}.
 *
 * <p>
 * Threading: {@link LinkListener} callbacks arrive on I/O threads and are handed to the
 * {@link NodeLoop}; every field below the "node lock state" line is touched only under
 * the node lock, on the loop or on a user thread running a change inline (the
 * public-facing and sending methods; see {@link NodeLoop}). {@link #peers()},
 * {@link #poll()} and {@link #recv} are safe from any thread.
 */
public final class MeshNode implements LinkListener {

	private static final Logger logger = LoggerFactory.getLogger(MeshNode.class);

	private final LocalNode self;

	private final Clock clock;

	private final NodeExecutor loop;

	private final MeshCounters counters;

	private final UserInbox inbox;

	private final Listeners listeners;

	private final LinkFaults faults;

	// ---- node lock state

	/** The open links and the routing table. */
	private final LinkTable links = new LinkTable();

	private final Dials dials;

	private final SeedDialer seeds;

	private final SeenSet seen;

	private final Outbox outbox;

	private final PeerExchange exchange;

	private final Handshakes handshakes;

	private final DuplicateLinks duplicates;

	private final Dispatcher dispatcher;

	private boolean closing;

	/**
	 * @param messageListeners the socket's live (thread-safe) list of message listeners
	 * @param peerListeners the socket's live (thread-safe) list of peer listeners
	 * @param explainProtocol names, for a peer's protocol id, the setting that differs
	 * from ours
	 */
	public MeshNode(MeshOptions options, String id, String protocolId, String advertisedHost, int advertisedPort,
			NodeExecutor loop, MeshCounters counters, List<MessageListener> messageListeners,
			List<PeerListener> peerListeners, Function<String, String> explainProtocol) {
		this.self = new LocalNode(id, protocolId, advertisedHost, advertisedPort,
				Compression.ids(options.compression().methods()));
		this.clock = options.clock();
		this.loop = loop;
		this.counters = counters;
		this.listeners = new Listeners(options.threads().listenerExecutor(), loop, peerListeners);
		this.inbox = new UserInbox(options.limits().userQueueCapacity(), messageListeners, counters,
				this.listeners::deliver);
		this.faults = new LinkFaults(counters);
		this.dials = new Dials(loop, this.links);
		this.seeds = new SeedDialer(options, loop, this.dials, this.links);
		this.seen = new SeenSet(options.limits().maxSeenMessages());
		this.outbox = new Outbox(id, this.clock, this.links, this.seen, counters, options.compression().threshold());
		this.exchange = new PeerExchange(this.self, options, loop, this.links, this.dials, this.outbox, this.seen);
		Duration handshakeTimeout = options.timeouts().handshake();
		this.duplicates = new DuplicateLinks(id, handshakeTimeout, this.links, this.dials, this.exchange);
		this.handshakes = new Handshakes(this.self, explainProtocol, handshakeTimeout,
				options.timeouts().peerRequestDelay(), this.clock, loop, this.links, this.dials, this.outbox,
				this.exchange, this.duplicates, this.faults, this.listeners);
		Waterfall waterfall = new Waterfall(this.links, this.seen, counters, this.outbox, this::nowSeconds);
		this.dispatcher = new Dispatcher(this.links, this.handshakes, waterfall, this.exchange, this.inbox,
				this.faults);
		loop.afterEachBatch(this.outbox::flushLinks);
	}

	/**
	 * Starts dialing the configured seeds, skipping those of their addresses that are
	 * this node's bound or advertised address. Any thread.
	 */
	public void startSeeds(InetSocketAddress bound) {
		InetSocketAddress advertised = InetSocketAddress.createUnresolved(this.self.advertisedHost(),
				this.self.advertisedPort());
		this.loop.execute(() -> this.seeds.start(bound, advertised));
	}

	/** Replaces how seed names are resolved (tests); before {@link #startSeeds}. */
	void seedResolver(SeedLookups.Resolver resolver) {
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
		this.exchange.extension(extension);
		this.dispatcher.extension(extension);
	}

	/** What this node sends: for the layer above. */
	public Outbox outbox() {
		return this.outbox;
	}

	public String id() {
		return this.self.id();
	}

	public NodeExecutor loop() {
		return this.loop;
	}

	public long nowSeconds() {
		return Math.floorDiv(this.clock.millis(), 1000);
	}

	// ------------------------------------------------------------------ public-facing
	// operations

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

	/**
	 * Asks a peer for its peers and full state ({@code request "*"}, PROTOCOL.md §5.5).
	 */
	public void requestState(Connection connection) {
		this.exchange.requestState(connection);
	}

	/** Handshaken connections, for the layer above. Under the node lock. */
	public Iterable<Connection> routes() {
		return Arrays.asList(this.links.routes());
	}

	/**
	 * Hands listener code to the listener executor if one is set, else to the node loop,
	 * which runs it after the current batch; either way in commit order (called under the
	 * node lock).
	 */
	public void deliver(Runnable callback) {
		this.listeners.deliver(callback);
	}

	/** Closes every link and fails pending connects. Node loop. */
	public void closeAll() {
		this.closing = true;
		this.seeds.stop();
		for (Connection connection : new ArrayList<>(this.links.all())) {
			connection.link.close();
			connection.failHandshake(new SocketClosedException("socket closed"));
		}
		this.dials.close();
	}

	/** Whether a dial failed because the address dialed is this node itself. */
	public static boolean isSelfConnection(Throwable failure) {
		return failure instanceof SelfConnectionException;
	}

	int seenSetSize() {
		return this.seen.size();
	}

	// ------------------------------------------------------------------ LinkListener
	// (I/O threads)

	@Override
	public void linkActive(Link link) {
		this.loop.execute(() -> {
			Connection connection = this.links.getOrAdd(link);
			if (this.closing) {
				link.close();
				return;
			}
			this.handshakes.opened(connection);
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
		this.loop.execute(() -> this.dispatcher.received(link, messages));
	}

	@Override
	public void linkFault(Link link, LinkFault fault, String detail) {
		this.loop.execute(() -> this.faults.fault(this.links.getOrAdd(link), fault, detail));
	}

	@Override
	public void linkRefused(InetSocketAddress remote, LinkFault fault, String detail) {
		this.faults.refused(remote, fault, detail);
	}

	@Override
	public void linkClosed(Link link) {
		this.loop.execute(() -> {
			Connection connection = this.links.remove(link);
			if (connection != null) {
				closed(connection);
			}
		});
	}

	/**
	 * A link closed: its dial and pending connect end, and a peer routed over it moves to
	 * another link or is gone.
	 */
	private void closed(Connection connection) {
		connection.closed = true;
		connection.cancelTimers();
		Link link = connection.link;
		String closed = "link " + link + " closed before the handshake"
				+ ((connection.closeReason != null) ? ": " + connection.closeReason : "");
		if (connection.closeReason != null && connection.dialed == null && link.outbound()) {
			// a dial whose connect callback has not run yet finds the reason here
			this.dials.closedOnFault(link, connection.closeReason, connection.refusal);
		}
		CompletableFuture<Peer> handshake = connection.handshakeFuture;
		InetSocketAddress dialed = connection.dialed;
		if (handshake != null && dialed != null) {
			connection.handshakeFuture = null;
			this.dials.lost(handshake, dialed.getHostString(), dialed.getPort(), new SocketClosedException(closed));
		}
		connection.failHandshake(new SocketClosedException(closed));
		this.dials.ended(connection.expectedId);
		Peer peer = connection.peer;
		if (peer != null && this.links.route(peer.id()) == connection) {
			if (!this.closing && this.duplicates.takeOver(connection, peer)) {
				return;
			}
			this.links.unroute(peer.id());
			logger.debug("Peer {} disconnected", connection);
			this.listeners.peerDisconnected(peer);
			if (!this.closing) {
				this.duplicates.lost(peer);
			}
		}
	}

}
