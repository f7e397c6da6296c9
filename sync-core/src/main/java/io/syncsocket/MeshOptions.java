package io.syncsocket;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

import io.netty.channel.EventLoopGroup;
import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of a {@link MeshSocket}. Build with {@link #builder()}, change a
 * copy with {@link #mutate()}. Every value is validated when it is set; the defaults suit
 * a node on one machine and are safe for the open internet only together with a firewall
 * (plaintext has no authentication).
 */
public final class MeshOptions {

	/** Default bind address: loopback, so nothing is exposed unless asked for. */
	public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";

	/** Default port: 0, an ephemeral port chosen by the operating system. */
	public static final int DEFAULT_PORT = 0;

	/**
	 * Default protocol subnet of a bare {@link MeshSocket} ({@link SyncSocket} uses
	 * {@link SyncOptions#DEFAULT_SUBNET}).
	 */
	public static final String DEFAULT_SUBNET = "mesh";

	/** Default largest accepted frame (length header), 64 MiB. */
	public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024 * 1024;

	/** js2p's and py2p's limit on outgoing links, below which they follow peer lists. */
	public static final int DEFAULT_MAX_OUTGOING = 4;

	/** Default time a link has to complete its handshake. */
	public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

	/** Default time a partly received frame may stall before the link is closed. */
	public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

	/** Default TCP connect timeout of a dial. */
	public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

	/** Default wait for a new peer's peer list before asking for it. */
	public static final Duration DEFAULT_PEER_REQUEST_DELAY = Duration.ofSeconds(2);

	/** Default longest wait of a blocking call for the node loop. */
	public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(30);

	/** Default capacity of the user-message inbox ({@link MeshSocket#recv()}). */
	public static final int DEFAULT_USER_QUEUE_CAPACITY = 10_000;

	/** Most I/O threads by default: {@code min(2, available processors)}. */
	public static final int DEFAULT_MAX_IO_THREADS = 2;

	/** Default: the native (epoll) transport where available, NIO otherwise. */
	public static final boolean DEFAULT_NATIVE_TRANSPORT = true;

	/** Default bound on the 60-second seen set of broadcast fingerprints. */
	public static final int DEFAULT_MAX_SEEN_MESSAGES = 1_000_000;

	/**
	 * Default bytes queued for one link before it is closed as {@code SLOW_PEER}, 64 MiB.
	 */
	public static final int DEFAULT_MAX_QUEUED_BYTES_PER_LINK = 64 * 1024 * 1024;

	/** Default limit of open links from one remote address. */
	public static final int DEFAULT_MAX_LINKS_PER_ADDRESS = 64;

	/** Default limit of open inbound links. */
	public static final int DEFAULT_MAX_INBOUND_LINKS = 256;

	/** Default compression methods, in order of preference (js2p's order). */
	public static final List<String> DEFAULT_COMPRESSION = List.of("zlib", "gzip");

	/** Default {@link #compressionThreshold()}: 1 KiB. */
	public static final int DEFAULT_COMPRESSION_THRESHOLD = 1024;

	/**
	 * Default first delay before a seed is dialed again; it doubles up to
	 * {@link #DEFAULT_SEED_RETRY_MAX}.
	 */
	public static final Duration DEFAULT_SEED_RETRY_INITIAL = Duration.ofSeconds(1);

	/** Default longest delay between two dials of a seed. */
	public static final Duration DEFAULT_SEED_RETRY_MAX = Duration.ofSeconds(30);

	private final String bindAddress;

	private final int port;

	private final @Nullable String outHost;

	private final int outPort;

	private final Protocol protocol;

	private final @Nullable String nodeId;

	private final @Nullable String nodeName;

	private final int maxFrameLength;

	private final int maxOutgoing;

	private final Duration handshakeTimeout;

	private final Duration stallTimeout;

	private final Duration connectTimeout;

	private final Duration peerRequestDelay;

	private final Duration operationTimeout;

	private final int userQueueCapacity;

	private final int ioThreads;

	private final @Nullable EventLoopGroup eventLoopGroup;

	private final boolean nativeTransport;

	private final @Nullable Executor listenerExecutor;

	private final Clock clock;

	private final List<InetSocketAddress> seeds;

	private final @Nullable SeedProvider seedProvider;

	private final @Nullable String name;

	private final int maxSeenMessages;

	private final int maxQueuedBytesPerLink;

	private final int maxLinksPerAddress;

	private final int maxInboundLinks;

	private final List<String> compression;

	private final int compressionThreshold;

	private final Duration seedRetryInitial;

	private final Duration seedRetryMax;

	private final @Nullable TlsOptions tls;

	private MeshOptions(Builder builder) {
		this.bindAddress = builder.bindAddress;
		this.port = builder.port;
		this.outHost = builder.outHost;
		this.outPort = builder.outPort;
		this.protocol = builder.protocol;
		this.nodeId = builder.nodeId;
		this.nodeName = builder.nodeName;
		this.maxFrameLength = builder.maxFrameLength;
		this.maxOutgoing = builder.maxOutgoing;
		this.handshakeTimeout = builder.handshakeTimeout;
		this.stallTimeout = builder.stallTimeout;
		this.connectTimeout = builder.connectTimeout;
		this.peerRequestDelay = builder.peerRequestDelay;
		this.operationTimeout = builder.operationTimeout;
		this.userQueueCapacity = builder.userQueueCapacity;
		this.ioThreads = builder.ioThreads;
		this.eventLoopGroup = builder.eventLoopGroup;
		this.nativeTransport = builder.nativeTransport;
		this.listenerExecutor = builder.listenerExecutor;
		this.clock = builder.clock;
		this.seeds = builder.seeds;
		this.seedProvider = builder.seedProvider;
		this.name = builder.name;
		this.maxSeenMessages = builder.maxSeenMessages;
		this.maxQueuedBytesPerLink = builder.maxQueuedBytesPerLink;
		this.maxLinksPerAddress = builder.maxLinksPerAddress;
		this.maxInboundLinks = builder.maxInboundLinks;
		this.compression = builder.compression;
		this.compressionThreshold = builder.compressionThreshold;
		this.seedRetryInitial = builder.seedRetryInitial;
		this.seedRetryMax = builder.seedRetryMax;
		this.tls = builder.tls;
	}

	/** A builder with every default. */
	public static Builder builder() {
		return new Builder();
	}

	/** The default options: loopback, an ephemeral port, subnet {@code "mesh"}. */
	public static MeshOptions defaults() {
		return builder().build();
	}

	/** A builder initialised with these options. */
	public Builder mutate() {
		return new Builder(this);
	}

	/**
	 * The address to bind (default {@value #DEFAULT_BIND_ADDRESS}; {@code 0.0.0.0} for
	 * all interfaces).
	 */
	public String bindAddress() {
		return this.bindAddress;
	}

	/**
	 * The port to bind; 0 picks an ephemeral port (see
	 * {@link MeshSocket#boundAddress()}).
	 */
	public int port() {
		return this.port;
	}

	/** The host advertised to peers, or null to advertise the bind address. */
	public @Nullable String outHost() {
		return this.outHost;
	}

	/** The port advertised to peers; 0 advertises the bound port. */
	public int outPort() {
		return this.outPort;
	}

	public Protocol protocol() {
		return this.protocol;
	}

	/**
	 * A fixed node id, or null to derive one: from {@link #nodeName()} if set, otherwise
	 * as js2p does with a random salt per process (PROTOCOL.md §3.4), a new id on every
	 * start.
	 */
	public @Nullable String nodeId() {
		return this.nodeId;
	}

	/**
	 * A stable name for this node, or null. With a name the node id is derived from the
	 * name, the advertised address and the protocol id, so a node restarted with the same
	 * configuration gets its id back, and with it the leases on the keys it wrote.
	 */
	public @Nullable String nodeName() {
		return this.nodeName;
	}

	public int maxFrameLength() {
		return this.maxFrameLength;
	}

	public int maxOutgoing() {
		return this.maxOutgoing;
	}

	public Duration handshakeTimeout() {
		return this.handshakeTimeout;
	}

	public Duration stallTimeout() {
		return this.stallTimeout;
	}

	public Duration connectTimeout() {
		return this.connectTimeout;
	}

	public Duration peerRequestDelay() {
		return this.peerRequestDelay;
	}

	public Duration operationTimeout() {
		return this.operationTimeout;
	}

	public int userQueueCapacity() {
		return this.userQueueCapacity;
	}

	public int ioThreads() {
		return this.ioThreads;
	}

	public @Nullable EventLoopGroup eventLoopGroup() {
		return this.eventLoopGroup;
	}

	/**
	 * Whether the socket uses Netty's native epoll transport where it can load (default
	 * true).
	 */
	public boolean nativeTransport() {
		return this.nativeTransport;
	}

	public @Nullable Executor listenerExecutor() {
		return this.listenerExecutor;
	}

	public Clock clock() {
		return this.clock;
	}

	/**
	 * Most accepted links open at once; further connections are refused
	 * (LinkFault.CONNECTION_LIMIT).
	 */
	public int maxInboundLinks() {
		return this.maxInboundLinks;
	}

	/** Most accepted links open at once from one remote IP address. */
	public int maxLinksPerAddress() {
		return this.maxLinksPerAddress;
	}

	/**
	 * Most bytes queued for one peer, plus one frame of the maximum length; a peer that
	 * stops reading is disconnected beyond it (LinkFault.SLOW_PEER), so memory stays
	 * bounded.
	 */
	public int maxQueuedBytesPerLink() {
		return this.maxQueuedBytesPerLink;
	}

	/**
	 * Most (message id, time) pairs kept for duplicate suppression; beyond it whole
	 * seconds are forgotten early.
	 */
	public int maxSeenMessages() {
		return this.maxSeenMessages;
	}

	/** A name for this socket's threads and logs, or null for {@code syncsocket-<n>}. */
	public @Nullable String name() {
		return this.name;
	}

	/**
	 * The compression methods this node advertises in its handshake and uses on links
	 * where the peer advertised one too, in order of preference ({@code zlib},
	 * {@code gzip}); empty to never compress. Incoming frames are always decoded whatever
	 * was negotiated.
	 */
	public List<String> compression() {
		return this.compression;
	}

	/**
	 * Frames smaller than this many bytes go uncompressed to syncsocket peers, even on a
	 * link with a negotiated method; js2p and py2p peers get every frame compressed
	 * (PROTOCOL.md §5.6). Default {@value #DEFAULT_COMPRESSION_THRESHOLD}.
	 */
	public int compressionThreshold() {
		return this.compressionThreshold;
	}

	/**
	 * Nodes dialed at start and re-dialed, with backoff, whenever this node is not
	 * connected to them.
	 */
	public List<InetSocketAddress> seeds() {
		return this.seeds;
	}

	/**
	 * A source of further seeds that may change while the socket runs (a service
	 * registry), or null.
	 */
	public @Nullable SeedProvider seedProvider() {
		return this.seedProvider;
	}

	/**
	 * First delay before re-dialing an unreachable seed; it doubles up to
	 * {@link #seedRetryMax()}.
	 */
	public Duration seedRetryInitial() {
		return this.seedRetryInitial;
	}

	public Duration seedRetryMax() {
		return this.seedRetryMax;
	}

	/**
	 * The TLS settings links use: null when the protocol's encryption is
	 * {@link Protocol#PLAINTEXT}; with {@link Protocol#SSL}, the configured ones or, if
	 * none were set, {@link TlsOptions#compatible()} (js2p-like).
	 */
	public @Nullable TlsOptions tls() {
		if (!this.protocol.isTls()) {
			return null;
		}
		return (this.tls != null) ? this.tls : TlsOptions.compatible();
	}

	/**
	 * Every option; an executor, event loop group or TLS setting shows as present or not.
	 */
	@Override
	public String toString() {
		return "MeshOptions[bind=" + this.bindAddress + ":" + this.port + ", out=" + this.outHost + ":" + this.outPort
				+ ", protocol=" + this.protocol + ", nodeId=" + this.nodeId + ", nodeName=" + this.nodeName + ", name="
				+ this.name + ", seeds=" + this.seeds + ", seedProvider=" + this.seedProvider + ", maxFrameLength="
				+ this.maxFrameLength + ", maxOutgoing=" + this.maxOutgoing + ", handshakeTimeout="
				+ this.handshakeTimeout + ", stallTimeout=" + this.stallTimeout + ", connectTimeout="
				+ this.connectTimeout + ", peerRequestDelay=" + this.peerRequestDelay + ", operationTimeout="
				+ this.operationTimeout + ", userQueueCapacity=" + this.userQueueCapacity + ", ioThreads="
				+ this.ioThreads + ", eventLoopGroup=" + ((this.eventLoopGroup != null) ? "given" : "own")
				+ ", nativeTransport=" + this.nativeTransport + ", listenerExecutor="
				+ ((this.listenerExecutor != null) ? "given" : "node loop") + ", clock=" + this.clock
				+ ", maxSeenMessages=" + this.maxSeenMessages + ", maxQueuedBytesPerLink=" + this.maxQueuedBytesPerLink
				+ ", maxLinksPerAddress=" + this.maxLinksPerAddress + ", maxInboundLinks=" + this.maxInboundLinks
				+ ", compression=" + this.compression + ", compressionThreshold=" + this.compressionThreshold
				+ ", seedRetry=" + this.seedRetryInitial + ".." + this.seedRetryMax + ", tls="
				+ ((this.tls != null) ? "given" : "none") + "]";
	}

	/** Builds {@link MeshOptions}; each setter validates its argument. */
	public static final class Builder {

		private String bindAddress = DEFAULT_BIND_ADDRESS;

		private int port = DEFAULT_PORT;

		private @Nullable String outHost;

		private int outPort;

		private Protocol protocol = Protocol.of(DEFAULT_SUBNET);

		private @Nullable String nodeId;

		private @Nullable String nodeName;

		private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;

		private int maxOutgoing = DEFAULT_MAX_OUTGOING;

		private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

		private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration peerRequestDelay = DEFAULT_PEER_REQUEST_DELAY;

		private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;

		private int userQueueCapacity = DEFAULT_USER_QUEUE_CAPACITY;

		private int ioThreads = Math.min(DEFAULT_MAX_IO_THREADS, Runtime.getRuntime().availableProcessors());

		private @Nullable EventLoopGroup eventLoopGroup;

		private boolean nativeTransport = DEFAULT_NATIVE_TRANSPORT;

		private @Nullable Executor listenerExecutor;

		private Clock clock = Clock.systemUTC();

		private List<InetSocketAddress> seeds = List.of();

		private @Nullable SeedProvider seedProvider;

		private @Nullable String name;

		private int maxSeenMessages = DEFAULT_MAX_SEEN_MESSAGES;

		private int maxQueuedBytesPerLink = DEFAULT_MAX_QUEUED_BYTES_PER_LINK;

		private int maxLinksPerAddress = DEFAULT_MAX_LINKS_PER_ADDRESS;

		private int maxInboundLinks = DEFAULT_MAX_INBOUND_LINKS;

		private List<String> compression = DEFAULT_COMPRESSION;

		private int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;

		private Duration seedRetryInitial = DEFAULT_SEED_RETRY_INITIAL;

		private Duration seedRetryMax = DEFAULT_SEED_RETRY_MAX;

		private @Nullable TlsOptions tls;

		private Builder() {
		}

		private Builder(MeshOptions options) {
			this.bindAddress = options.bindAddress;
			this.port = options.port;
			this.outHost = options.outHost;
			this.outPort = options.outPort;
			this.protocol = options.protocol;
			this.nodeId = options.nodeId;
			this.nodeName = options.nodeName;
			this.maxFrameLength = options.maxFrameLength;
			this.maxOutgoing = options.maxOutgoing;
			this.handshakeTimeout = options.handshakeTimeout;
			this.stallTimeout = options.stallTimeout;
			this.connectTimeout = options.connectTimeout;
			this.peerRequestDelay = options.peerRequestDelay;
			this.operationTimeout = options.operationTimeout;
			this.userQueueCapacity = options.userQueueCapacity;
			this.ioThreads = options.ioThreads;
			this.eventLoopGroup = options.eventLoopGroup;
			this.nativeTransport = options.nativeTransport;
			this.listenerExecutor = options.listenerExecutor;
			this.clock = options.clock;
			this.seeds = options.seeds;
			this.seedProvider = options.seedProvider;
			this.name = options.name;
			this.maxSeenMessages = options.maxSeenMessages;
			this.maxQueuedBytesPerLink = options.maxQueuedBytesPerLink;
			this.maxLinksPerAddress = options.maxLinksPerAddress;
			this.maxInboundLinks = options.maxInboundLinks;
			this.compression = options.compression;
			this.compressionThreshold = options.compressionThreshold;
			this.seedRetryInitial = options.seedRetryInitial;
			this.seedRetryMax = options.seedRetryMax;
			this.tls = options.tls;
		}

		public Builder bindAddress(String bindAddress) {
			this.bindAddress = requireText(bindAddress, "bindAddress");
			return this;
		}

		public Builder port(int port) {
			this.port = requirePort(port, "port");
			return this;
		}

		/**
		 * The address advertised to peers, when it differs from the bound one (NAT,
		 * 0.0.0.0 binds).
		 */
		public Builder outAddress(String host, int port) {
			this.outHost = requireText(host, "outAddress host");
			if ("0.0.0.0".equals(host) || "::".equals(host)) {
				throw new IllegalArgumentException(
						"outAddress host: '" + host + "' (expected: an address peers can dial)");
			}
			this.outPort = requirePort(port, "outAddress port");
			return this;
		}

		/**
		 * {@link #outAddress(String, int)} from {@code host:port} ({@code [v6]:port} for
		 * IPv6).
		 */
		public Builder outAddress(String hostPort) {
			InetSocketAddress address = parseHostPort(hostPort, "outAddress");
			return outAddress(address.getHostString(), address.getPort());
		}

		public Builder protocol(Protocol protocol) {
			this.protocol = Objects.requireNonNull(protocol, "'protocol' must not be null");
			return this;
		}

		/**
		 * Uses a fixed node id instead of a derived one; it must be unique in the mesh.
		 * Replaces a {@link #nodeName} set before.
		 */
		public Builder nodeId(@Nullable String nodeId) {
			if (nodeId != null && nodeId.isBlank()) {
				throw new IllegalArgumentException("nodeId: blank (expected: a unique id, or null to derive one)");
			}
			this.nodeId = nodeId;
			if (nodeId != null) {
				this.nodeName = null;
			}
			return this;
		}

		/**
		 * Derives the node id from a stable name plus the advertised address and protocol
		 * id, instead of a random salt: a node restarted with the same name and address
		 * gets the same id and can rewrite the keys it leased at once; nodes at other
		 * addresses get other ids even with the same name (so every instance of an
		 * application can use the application's name). Two live nodes with the same id
		 * are refused ({@link DuplicateNodeIdException}). Cannot be combined with
		 * {@link #nodeId}.
		 */
		public Builder nodeName(@Nullable String nodeName) {
			if (nodeName != null && nodeName.isBlank()) {
				throw new IllegalArgumentException(
						"nodeName: blank (expected: a stable name, or null for a random id)");
			}
			this.nodeName = nodeName;
			if (nodeName != null) {
				this.nodeId = null;
			}
			return this;
		}

		/**
		 * Largest frame accepted from a peer; a larger length header closes that link.
		 */
		public Builder maxFrameLength(int maxFrameLength) {
			if (maxFrameLength < 1024) {
				throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: >= 1024)");
			}
			this.maxFrameLength = maxFrameLength;
			return this;
		}

		/**
		 * Peer lists are followed (their nodes dialed) only while fewer outgoing links
		 * than this are open or being dialed, seeds and {@code connect} included; those
		 * are never refused by it (default 4).
		 */
		public Builder maxOutgoing(int maxOutgoing) {
			if (maxOutgoing < 0) {
				throw new IllegalArgumentException("maxOutgoing: " + maxOutgoing + " (expected: >= 0)");
			}
			this.maxOutgoing = maxOutgoing;
			return this;
		}

		/** How long a new link may stay without a valid handshake before it is closed. */
		public Builder handshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = requirePositive(handshakeTimeout, "handshakeTimeout");
			return this;
		}

		/**
		 * How long a partially received frame may see no data before the link is closed
		 * (default 60 s).
		 */
		public Builder stallTimeout(Duration stallTimeout) {
			this.stallTimeout = requirePositive(stallTimeout, "stallTimeout");
			return this;
		}

		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = requirePositive(connectTimeout, "connectTimeout");
			return this;
		}

		/**
		 * After a handshake, how long to wait for the peer's peer list before asking with
		 * {@code request "*"} (default 2 s).
		 */
		public Builder peerRequestDelay(Duration peerRequestDelay) {
			this.peerRequestDelay = requirePositive(peerRequestDelay, "peerRequestDelay");
			return this;
		}

		/** Upper bound for a blocking call waiting on the node loop. */
		public Builder operationTimeout(Duration operationTimeout) {
			this.operationTimeout = requirePositive(operationTimeout, "operationTimeout");
			return this;
		}

		/**
		 * How many unread user messages {@link MeshSocket#recv()} keeps; the oldest are
		 * dropped beyond it.
		 */
		public Builder userQueueCapacity(int userQueueCapacity) {
			if (userQueueCapacity < 1) {
				throw new IllegalArgumentException("userQueueCapacity: " + userQueueCapacity + " (expected: >= 1)");
			}
			this.userQueueCapacity = userQueueCapacity;
			return this;
		}

		/**
		 * Number of I/O threads of the event-loop group the socket creates (ignored with
		 * {@link #eventLoopGroup}).
		 */
		public Builder ioThreads(int ioThreads) {
			if (ioThreads < 1) {
				throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
			}
			this.ioThreads = ioThreads;
			return this;
		}

		/**
		 * Whether to use Netty's native epoll transport on Linux (default true): lower
		 * latency than NIO (fewer wake-ups per message), same wire. sync-core brings the
		 * native library for linux-x86_64; on other platforms add
		 * {@code netty-transport-native-epoll} with that platform's classifier, or NIO is
		 * used. {@code false} forces NIO. Ignored with {@link #eventLoopGroup}, whose own
		 * I/O type decides.
		 */
		public Builder nativeTransport(boolean nativeTransport) {
			this.nativeTransport = nativeTransport;
			return this;
		}

		/**
		 * A Netty event-loop group to share; the socket uses it but never shuts it down.
		 */
		public Builder eventLoopGroup(@Nullable EventLoopGroup eventLoopGroup) {
			this.eventLoopGroup = eventLoopGroup;
			return this;
		}

		/**
		 * Delivers listener callbacks on this executor instead of the node loop (in order
		 * only if it is serial).
		 */
		public Builder listenerExecutor(@Nullable Executor listenerExecutor) {
			this.listenerExecutor = listenerExecutor;
			return this;
		}

		/**
		 * The clock for message times, ages and leases (tests inject a fixed or offset
		 * clock).
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
			return this;
		}

		/**
		 * Nodes to dial at start and to re-dial with exponential backoff whenever this
		 * node has no link to them (addresses are unresolved {@code host:port}). A host
		 * may be a name with several addresses (a Kubernetes headless service, a DNS
		 * round robin): every address is dialed except this node's own, and the name is
		 * resolved again, off the node loop, on every retry round, so new and replaced
		 * nodes are found.
		 */
		public Builder seeds(List<InetSocketAddress> seeds) {
			Objects.requireNonNull(seeds, "'seeds' must not be null");
			for (InetSocketAddress seed : seeds) {
				Objects.requireNonNull(seed, "'seeds' must not contain null");
				if (seed.getPort() < 1) {
					throw new IllegalArgumentException("seeds: " + seed + " (expected: host:port with a port 1-65535)");
				}
			}
			this.seeds = List.copyOf(seeds);
			return this;
		}

		/**
		 * Dials, besides the {@link #seeds}, every address {@code provider} returns,
		 * asking it again periodically so that instances that come and go are found (see
		 * {@link SeedProvider} for when it is called). Null for none.
		 */
		public Builder seedProvider(@Nullable SeedProvider provider) {
			this.seedProvider = provider;
			return this;
		}

		/**
		 * Most accepted links open at once; further connections are refused
		 * (LinkFault.CONNECTION_LIMIT).
		 */
		public Builder maxInboundLinks(int maxInboundLinks) {
			if (maxInboundLinks < 1) {
				throw new IllegalArgumentException("maxInboundLinks: " + maxInboundLinks + " (expected: >= 1)");
			}
			this.maxInboundLinks = maxInboundLinks;
			return this;
		}

		/** Most accepted links open at once from one remote IP address. */
		public Builder maxLinksPerAddress(int maxLinksPerAddress) {
			if (maxLinksPerAddress < 1) {
				throw new IllegalArgumentException("maxLinksPerAddress: " + maxLinksPerAddress + " (expected: >= 1)");
			}
			this.maxLinksPerAddress = maxLinksPerAddress;
			return this;
		}

		/**
		 * Most bytes queued for one peer, plus one frame of the maximum length; a peer
		 * that stops reading is disconnected beyond it (LinkFault.SLOW_PEER), so memory
		 * stays bounded.
		 */
		public Builder maxQueuedBytesPerLink(int maxQueuedBytesPerLink) {
			if (maxQueuedBytesPerLink < 1024) {
				throw new IllegalArgumentException(
						"maxQueuedBytesPerLink: " + maxQueuedBytesPerLink + " (expected: >= 1024)");
			}
			this.maxQueuedBytesPerLink = maxQueuedBytesPerLink;
			return this;
		}

		/**
		 * Most (message id, time) pairs kept for duplicate suppression; beyond it whole
		 * seconds are forgotten early.
		 */
		public Builder maxSeenMessages(int maxSeenMessages) {
			if (maxSeenMessages < 1000) {
				throw new IllegalArgumentException("maxSeenMessages: " + maxSeenMessages + " (expected: >= 1000)");
			}
			this.maxSeenMessages = maxSeenMessages;
			return this;
		}

		/**
		 * Names the socket's threads ({@code <name>-node}, {@code <name>-io-<n>}) and
		 * appears in its logs.
		 */
		public Builder name(@Nullable String name) {
			if (name != null && name.isBlank()) {
				throw new IllegalArgumentException("name: blank (expected: a name, or null for a generated one)");
			}
			this.name = name;
			return this;
		}

		/**
		 * The compression methods to advertise and use, in order of preference:
		 * {@code zlib}, {@code gzip}, both (the default, what js2p advertises) or none.
		 * Compression costs CPU per frame; between syncsocket nodes on a fast network
		 * none is usually faster.
		 */
		public Builder compression(List<String> methods) {
			Objects.requireNonNull(methods, "'compression' must not be null");
			List<String> names = new java.util.ArrayList<>();
			for (String method : methods) {
				String name = io.syncsocket.internal.wire.Compression.forName(method).optionName();
				if (names.contains(name)) {
					throw new IllegalArgumentException("compression: '" + method + "' listed twice");
				}
				names.add(name);
			}
			this.compression = List.copyOf(names);
			return this;
		}

		/**
		 * Frames smaller than this many bytes are sent uncompressed to syncsocket peers,
		 * whose decoder tries the raw checksum first (PROTOCOL.md §1.1): zlib costs ~9 µs
		 * per small frame and saves little on it, which made it the bottleneck between
		 * Java nodes. js2p and py2p peers still get every frame compressed, as
		 * PROTOCOL.md §5.6 advises. 0 compresses every frame.
		 */
		public Builder compressionThreshold(int bytes) {
			if (bytes < 0) {
				throw new IllegalArgumentException("compressionThreshold: " + bytes + " (expected: >= 0)");
			}
			this.compressionThreshold = bytes;
			return this;
		}

		/** Parses {@code host:port} seeds ({@code [v6]:port} for IPv6). */
		public Builder seeds(String... seeds) {
			List<InetSocketAddress> parsed = new java.util.ArrayList<>();
			for (String seed : seeds) {
				parsed.add(parseHostPort(seed, "seeds"));
			}
			return seeds(parsed);
		}

		/** Backoff for re-dialing seeds: first delay, doubling up to {@code max}. */
		public Builder seedRetry(Duration initial, Duration max) {
			this.seedRetryInitial = requirePositive(initial, "seedRetryInitial");
			this.seedRetryMax = requirePositive(max, "seedRetryMax");
			if (max.compareTo(initial) < 0) {
				throw new IllegalArgumentException(
						"seedRetryMax: " + max + " (expected: >= seedRetryInitial " + initial + ")");
			}
			return this;
		}

		/**
		 * TLS settings for a protocol whose encryption is {@link Protocol#SSL} (verified
		 * mutual TLS, or compatible mode with a fixed certificate); null for the default,
		 * {@link TlsOptions#compatible()}. {@link #build()} fails if they are set while
		 * the encryption is {@link Protocol#PLAINTEXT}.
		 */
		public Builder tls(@Nullable TlsOptions tls) {
			this.tls = tls;
			return this;
		}

		/**
		 * The options.
		 * @throws IllegalArgumentException if TLS settings were given but the protocol's
		 * encryption is not {@link Protocol#SSL}
		 */
		public MeshOptions build() {
			if (this.tls != null && !this.protocol.isTls()) {
				throw new IllegalArgumentException("tls: set, but the protocol's encryption is '"
						+ this.protocol.encryption() + "' (expected: encryption '" + Protocol.SSL
						+ "', e.g. protocol(new Protocol(\"" + this.protocol.subnet() + "\", Protocol.SSL)))");
			}
			return new MeshOptions(this);
		}

		/**
		 * Parses {@code host:port} or {@code [ipv6]:port} into an unresolved address.
		 * @throws IllegalArgumentException naming {@code name} if it is malformed
		 */
		private static InetSocketAddress parseHostPort(String text, String name) {
			Objects.requireNonNull(text, () -> "'" + name + "' must not contain null");
			String value = text.trim();
			int colon = value.lastIndexOf(':');
			String host = (colon > 0) ? value.substring(0, colon) : "";
			if (host.startsWith("[") && host.endsWith("]")) {
				host = host.substring(1, host.length() - 1);
			}
			int port = -1;
			try {
				port = (colon > 0) ? Integer.parseInt(value.substring(colon + 1)) : -1;
			}
			catch (NumberFormatException ex) {
				// reported below
			}
			if (host.isBlank() || port < 1 || port > 65535) {
				throw new IllegalArgumentException(name + ": '" + text + "' (expected: host:port with a port 1-65535)");
			}
			return InetSocketAddress.createUnresolved(host, port);
		}

		private static String requireText(String value, String name) {
			Objects.requireNonNull(value, () -> "'" + name + "' must not be null");
			if (value.isBlank()) {
				throw new IllegalArgumentException(name + ": blank (expected: a host name or address)");
			}
			return value;
		}

		private static int requirePort(int port, String name) {
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
			}
			return port;
		}

		private static Duration requirePositive(Duration duration, String name) {
			Objects.requireNonNull(duration, () -> "'" + name + "' must not be null");
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + ": " + duration + " (expected: > 0)");
			}
			return duration;
		}

	}

}
