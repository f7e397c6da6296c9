package io.syncsocket;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncsocket.internal.mesh.MeshCounters;
import io.syncsocket.internal.mesh.MeshExtension;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.transport.Addresses;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node of a p2p-today mesh (protocol 0.7), wire-compatible with js2p and py2p: it
 * accepts and dials TCP links, handshakes, follows peer lists, floods broadcasts with
 * duplicate suppression, and delivers user messages.
 *
 * <pre>{@code
 * try (MeshSocket mesh = new MeshSocket(MeshOptions.builder().port(4444).build()).start()) {
 *     mesh.connect("127.0.0.1", 5555);
 *     mesh.send("hello", 42);
 *     Message message = mesh.recv(Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2> {@code NEW → STARTING → RUNNING → CLOSING → CLOSED}.
 * {@link #start()} binds; {@link #close()} closes every link and the threads the socket
 * created, and is idempotent. A close that arrives while the socket is starting wins: the
 * start fails with {@link SocketClosedException} and the socket ends closed. A closed
 * socket may be started again (see {@link #start()}).
 *
 * <h2>Threading</h2> Netty event loops do I/O only (framing, checksums, compression,
 * msgpack parsing). Every change to the routing table, the seen set and (for
 * {@link SyncSocket}) the dictionary runs under the socket's node lock: on its node loop
 * thread, or, when the loop is idle and nothing is queued, right on the calling user
 * thread. Every method may be called from any user thread. Read methods
 * ({@link #peers()}, {@link #recv()}, {@link #stats()}) never block. Operations that
 * change state run under the node lock while the caller waits (a wait for the loop is
 * bounded by {@link MeshTimeouts#operation()}); calling them from a listener (the node
 * loop) or an I/O thread fails fast with {@link IllegalStateException} instead of
 * deadlocking — use the {@code Async} variants there. Listeners always run on the node
 * loop, in order, unless a listener executor is configured.
 */
public class MeshSocket implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(MeshSocket.class);

	private static final AtomicInteger SOCKET_NUMBERS = new AtomicInteger();

	/** The lifecycle states of a socket. */
	public enum State {

		NEW, STARTING, RUNNING, CLOSING, CLOSED

	}

	private final MeshOptions options;

	private final Protocol protocol;

	private final String protocolId;

	private final MeshCounters counters = new MeshCounters();

	private final List<MessageListener> messageListeners = new CopyOnWriteArrayList<>();

	private final List<PeerListener> peerListeners = new CopyOnWriteArrayList<>();

	private final SocketLifecycle lifecycle;

	/**
	 * The I/O implementation of a started socket (for tests and diagnostics); null before
	 * start.
	 */
	io.syncsocket.internal.transport.@Nullable IoFlavor ioFlavor() {
		NodeRuntime runtime = this.lifecycle.runtime();
		return (runtime != null) ? runtime.transport.flavor() : null;
	}

	/** A socket with the given options; call {@link #start()} to bind. */
	public MeshSocket(MeshOptions options) {
		this(options, Objects.requireNonNull(options, "'options' must not be null").protocol());
	}

	MeshSocket(MeshOptions options, Protocol effectiveProtocol) {
		this.options = options;
		this.protocol = effectiveProtocol;
		this.protocolId = effectiveProtocol.id();
		this.lifecycle = new SocketLifecycle(options.timeouts().operation());
	}

	/**
	 * The layer above the mesh for a new run, or null for none; a subclass adds its own.
	 * Called on {@link #start()}, before any link is accepted.
	 */
	@Nullable MeshExtension extension(MeshNode node) {
		return null;
	}

	/**
	 * Binds the listening socket and starts the node. Returns this socket for chaining.
	 * <p>
	 * A {@link State#CLOSED closed} socket can be started again: it binds anew (a
	 * configured port 0 picks a new port, and so gives a new node id unless one is
	 * configured), dials its seeds again and keeps its listeners and counters. It rejoins
	 * the mesh as a fresh node: messages queued for {@link #recv()} and, for a
	 * {@link SyncSocket}, the dictionary start empty and the dictionary fills again from
	 * the peers' state.
	 * @throws IllegalStateException if the socket is starting, running or closing
	 * @throws SocketClosedException if {@link #close()} was called while it started (it
	 * is then closed)
	 * @throws SyncSocketException if the address cannot be bound (the socket is then
	 * closed)
	 */
	public MeshSocket start() {
		this.lifecycle.start(
				() -> NodeRuntime.create(socketName(), this.options, this.protocolId, this.counters,
						this.messageListeners, this.peerListeners, this::extension,
						new ProtocolMismatch(this.options.protocol(), this.protocol), SocketLifecycle.CLOSE_TIMEOUT),
				this::started);
		return this;
	}

	private String socketName() {
		return (this.options.name() != null) ? this.options.name() : "syncsocket-" + SOCKET_NUMBERS.incrementAndGet();
	}

	/** Dials the seeds of a run that just became RUNNING. */
	private void started(NodeRuntime runtime) {
		runtime.startSeeds();
		logger.info("Socket {} listening on {} (advertised {}:{}, protocol {}/{} = {}, {} I/O)",
				abbreviate(runtime.node.id()), Addresses.text(runtime.bound), runtime.advertised.getHostString(),
				runtime.advertised.getPort(), this.protocol.subnet(), this.protocol.encryption(), this.protocolId,
				runtime.transport.flavor().name().toLowerCase(java.util.Locale.ROOT));
	}

	// ------------------------------------------------------------------ identity

	/** This node's id. */
	public String id() {
		return runningNode().id();
	}

	/**
	 * The protocol this node speaks (for a {@link SyncSocket}, with the leasing suffix).
	 */
	public Protocol protocol() {
		return this.protocol;
	}

	/** The protocol id compared in handshakes. */
	public String protocolId() {
		return this.protocolId;
	}

	/**
	 * The local address the socket listens on (with the real port if 0 was configured).
	 */
	public InetSocketAddress boundAddress() {
		return this.lifecycle.started().bound;
	}

	/** The host and port other nodes are told to dial (unresolved). */
	public InetSocketAddress advertisedAddress() {
		return this.lifecycle.started().advertised;
	}

	public MeshOptions options() {
		return this.options;
	}

	public State state() {
		return this.lifecycle.state();
	}

	// ------------------------------------------------------------------ links

	/**
	 * Dials a node; the future completes with the peer once its handshake has been
	 * accepted, or fails if it cannot connect, the protocols differ or the link closes
	 * first.
	 */
	public CompletableFuture<Peer> connectAsync(String host, int port) {
		Objects.requireNonNull(host, "'host' must not be null");
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
		}
		CompletableFuture<Peer> dial = runningNode().connect(host, port);
		CompletableFuture<Peer> result = new CompletableFuture<>();
		dial.whenComplete((peer, failure) -> {
			if (failure == null) {
				result.complete(peer);
			}
			else if (MeshNode.isSelfConnection(failure)) {
				// the node's own marker stays inside; callers get the public type
				result.completeExceptionally(new SocketClosedException(host + ":" + port + " is this node itself"));
			}
			else {
				result.completeExceptionally(failure);
			}
		});
		result.whenComplete((peer, failure) -> {
			if (result.isCancelled()) {
				dial.cancel(false);
			}
		});
		return result;
	}

	/**
	 * Dials a node and waits for its handshake (at most the connect timeout plus the
	 * handshake timeout).
	 * @throws SyncSocketException if it fails
	 */
	public Peer connect(String host, int port) {
		CompletableFuture<Peer> future = connectAsync(host, port);
		Duration limit = this.options.timeouts().connect().plus(this.options.timeouts().handshake());
		try {
			return future.get(limit.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw new SyncSocketException("cannot connect to " + host + ":" + port + ": " + cause.getMessage(), cause);
		}
		catch (TimeoutException ex) {
			future.cancel(false);
			throw new SyncSocketException("no handshake from " + host + ":" + port + " within " + limit);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SyncSocketException("interrupted while connecting to " + host + ":" + port, ex);
		}
	}

	/** Closes the link to a peer. Returns false if there is no such peer. */
	public boolean disconnect(String peerId) {
		Objects.requireNonNull(peerId, "'peerId' must not be null");
		MeshNode node = runningNode();
		return call(() -> node.disconnect(peerId));
	}

	/** The handshaken peers, a snapshot. Never blocks. */
	public List<Peer> peers() {
		MeshNode node = this.lifecycle.node();
		return (node != null) ? node.peers() : List.of();
	}

	// ------------------------------------------------------------------ user messages

	/**
	 * Broadcasts a user message to the whole mesh ({@code [0x00, packets...]}), like
	 * js2p's {@code send}. Packets are plain Java values (see {@link Message}). The
	 * message is stamped with the current second, or the next one if this node sent the
	 * very same packets this second already (peers drop an identical message of the same
	 * second as a duplicate).
	 * @throws IllegalArgumentException if a packet cannot be encoded as msgpack
	 * @throws DuplicateMessageException if the same packets went out at both seconds
	 * already
	 */
	public void send(@Nullable Object... packets) {
		List<@Nullable Object> list = Collections.unmodifiableList(Arrays.asList(packets.clone()));
		MeshNode node = runningNode();
		long sentUpTo = call(() -> node.sendUserBroadcast(list) ? 0L : node.nowSeconds() + 1);
		if (sentUpTo != 0) {
			throw new DuplicateMessageException(sentUpTo);
		}
	}

	/**
	 * Sends a user message to one directly connected peer ({@code [0x02, packets...]}).
	 * @return false if the peer is not connected
	 */
	public boolean whisper(String peerId, @Nullable Object... packets) {
		Objects.requireNonNull(peerId, "'peerId' must not be null");
		List<@Nullable Object> list = Collections.unmodifiableList(Arrays.asList(packets.clone()));
		MeshNode node = runningNode();
		return call(() -> node.sendUserWhisper(peerId, list));
	}

	/** The oldest unread user message, or null if there is none. Never blocks. */
	public @Nullable Message recv() {
		MeshNode node = this.lifecycle.node();
		return (node != null) ? node.poll() : null;
	}

	/** Waits at most {@code timeout} for a user message; null if none arrived. */
	public @Nullable Message recv(Duration timeout) {
		MeshNode node = runningNode();
		try {
			return node.recv(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Adds a listener for user messages (they are also queued for {@link #recv()}). May
	 * be called before {@link #start()}.
	 */
	public void addMessageListener(MessageListener listener) {
		this.messageListeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
	}

	public void removeMessageListener(MessageListener listener) {
		this.messageListeners.remove(listener);
	}

	/**
	 * Adds a listener for peers joining and leaving. May be called before
	 * {@link #start()}.
	 */
	public void addPeerListener(PeerListener listener) {
		this.peerListeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
	}

	public void removePeerListener(PeerListener listener) {
		this.peerListeners.remove(listener);
	}

	/** Counters since start, including every link fault by kind. Never blocks. */
	public MeshStats stats() {
		MeshNode node = this.lifecycle.node();
		return this.counters.snapshot(peers().size(), (node != null) ? node.openLinks() : 0);
	}

	// ------------------------------------------------------------------ closing

	/**
	 * Closes every link, then the I/O and node threads this socket created. Idempotent;
	 * waits a few seconds at most. Called while another thread is in {@link #start()}, it
	 * makes that start fail with {@link SocketClosedException} and waits until the start
	 * has released what it had bound.
	 */
	@Override
	public void close() {
		this.lifecycle.close();
	}

	// ------------------------------------------------------------------ for SyncSocket
	// and tests

	/**
	 * Runs a task under the node lock and waits for its result (see the class Javadoc on
	 * threading).
	 */
	<T> T call(Callable<T> task) {
		return this.lifecycle.call(task);
	}

	MeshNode runningNode() {
		return this.lifecycle.running().node;
	}

	SocketLifecycle lifecycle() {
		return this.lifecycle;
	}

	static String abbreviate(String id) {
		return (id.length() > 12) ? id.substring(0, 12) + "…" : id;
	}

	@Override
	public String toString() {
		NodeRuntime runtime = this.lifecycle.runtime();
		return getClass().getSimpleName() + "[" + ((runtime != null) ? abbreviate(runtime.node.id()) : "unstarted")
				+ ", " + state() + ", " + ((runtime != null) ? runtime.bound : null) + "]";
	}

}
