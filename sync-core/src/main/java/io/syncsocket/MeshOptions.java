package io.syncsocket;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import static io.syncsocket.OptionChecks.parseHostPort;
import static io.syncsocket.OptionChecks.requireAtLeast;
import static io.syncsocket.OptionChecks.requirePort;
import static io.syncsocket.OptionChecks.requireText;

/**
 * Immutable settings of a {@link MeshSocket}. Build with {@link #builder()}, change a
 * copy with {@link #mutate()}. Every value is validated when it is set; the defaults suit
 * a node on one machine and are safe for the open internet only together with a firewall
 * (plaintext has no authentication). The settings a node is usually given (address,
 * protocol, identity, seeds, TLS) are set here directly; the tuning comes in immutable
 * groups: {@link MeshLimits}, {@link MeshTimeouts}, {@link MeshThreads},
 * {@link MeshSeeding} and {@link MeshCompression}.
 *
 * <pre>{@code
 * MeshOptions options = MeshOptions.builder()
 *     .port(4444)
 *     .seeds("10.0.0.5:4444")
 *     .timeouts((timeouts) -> timeouts.handshake(Duration.ofSeconds(5)))
 *     .build();
 * }</pre>
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

	/** js2p's and py2p's limit on outgoing links, below which they follow peer lists. */
	public static final int DEFAULT_MAX_OUTGOING = 4;

	private final String bindAddress;

	private final int port;

	private final @Nullable String outHost;

	private final int outPort;

	private final Protocol protocol;

	private final @Nullable String nodeId;

	private final @Nullable String nodeName;

	private final @Nullable String name;

	private final int maxOutgoing;

	private final List<InetSocketAddress> seeds;

	private final Clock clock;

	private final MeshLimits limits;

	private final MeshTimeouts timeouts;

	private final MeshThreads threads;

	private final MeshSeeding seeding;

	private final MeshCompression compression;

	private final @Nullable TlsOptions tls;

	private MeshOptions(Builder builder) {
		this.bindAddress = builder.bindAddress;
		this.port = builder.port;
		this.outHost = builder.outHost;
		this.outPort = builder.outPort;
		this.protocol = builder.protocol;
		this.nodeId = builder.nodeId;
		this.nodeName = builder.nodeName;
		this.name = builder.name;
		this.maxOutgoing = builder.maxOutgoing;
		this.seeds = builder.seeds;
		this.clock = builder.clock;
		this.limits = builder.limits;
		this.timeouts = builder.timeouts;
		this.threads = builder.threads;
		this.seeding = builder.seeding;
		this.compression = builder.compression;
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

	/** The address to bind; {@code 0.0.0.0} for all interfaces. */
	public String bindAddress() {
		return this.bindAddress;
	}

	/** The port to bind; 0 picks one (see {@link MeshSocket#boundAddress()}). */
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

	/** The protocol: only nodes with the same protocol id connect. */
	public Protocol protocol() {
		return this.protocol;
	}

	/** A fixed node id, or null to derive one (see {@link Builder#nodeId}). */
	public @Nullable String nodeId() {
		return this.nodeId;
	}

	/**
	 * The stable name the node id is derived from, or null (see
	 * {@link Builder#nodeName}).
	 */
	public @Nullable String nodeName() {
		return this.nodeName;
	}

	/** A name for this socket's threads and logs, or null for {@code syncsocket-<n>}. */
	public @Nullable String name() {
		return this.name;
	}

	/** How many outgoing links this node keeps before it stops following peer lists. */
	public int maxOutgoing() {
		return this.maxOutgoing;
	}

	/** Nodes dialed at start and re-dialed whenever this node has no link to them. */
	public List<InetSocketAddress> seeds() {
		return this.seeds;
	}

	/** The clock for message times, ages and leases. */
	public Clock clock() {
		return this.clock;
	}

	/** Bounds on frames, links, queued bytes, remembered broadcasts and the inbox. */
	public MeshLimits limits() {
		return this.limits;
	}

	/** Connect, handshake, stall, peer-request and operation timeouts. */
	public MeshTimeouts timeouts() {
		return this.timeouts;
	}

	/** I/O threads, event-loop group and listener executor. */
	public MeshThreads threads() {
		return this.threads;
	}

	/** Seed provider and the backoff of seed dials. */
	public MeshSeeding seeding() {
		return this.seeding;
	}

	/** Compression methods and threshold. */
	public MeshCompression compression() {
		return this.compression;
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

	/** Every option, the groups' included; a TLS setting shows as given or not. */
	@Override
	public String toString() {
		return "MeshOptions[bind=" + this.bindAddress + ":" + this.port + ", out=" + this.outHost + ":" + this.outPort
				+ ", protocol=" + this.protocol + ", nodeId=" + this.nodeId + ", nodeName=" + this.nodeName + ", name="
				+ this.name + ", maxOutgoing=" + this.maxOutgoing + ", seeds=" + this.seeds + ", clock=" + this.clock
				+ ", limits=" + this.limits + ", timeouts=" + this.timeouts + ", threads=" + this.threads + ", seeding="
				+ this.seeding + ", compression=" + this.compression + ", tls="
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

		private @Nullable String name;

		private int maxOutgoing = DEFAULT_MAX_OUTGOING;

		private List<InetSocketAddress> seeds = List.of();

		private Clock clock = Clock.systemUTC();

		private MeshLimits limits = MeshLimits.defaults();

		private MeshTimeouts timeouts = MeshTimeouts.defaults();

		private MeshThreads threads = MeshThreads.defaults();

		private MeshSeeding seeding = MeshSeeding.defaults();

		private MeshCompression compression = MeshCompression.defaults();

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
			this.name = options.name;
			this.maxOutgoing = options.maxOutgoing;
			this.seeds = options.seeds;
			this.clock = options.clock;
			this.limits = options.limits;
			this.timeouts = options.timeouts;
			this.threads = options.threads;
			this.seeding = options.seeding;
			this.compression = options.compression;
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
		 * Peer lists are followed (their nodes dialed) only while fewer outgoing links
		 * than this are open or being dialed, seeds and {@code connect} included; those
		 * are never refused by it (default 4).
		 */
		public Builder maxOutgoing(int maxOutgoing) {
			this.maxOutgoing = requireAtLeast(maxOutgoing, 0, "maxOutgoing");
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

		/** Parses {@code host:port} seeds ({@code [v6]:port} for IPv6). */
		public Builder seeds(String... seeds) {
			List<InetSocketAddress> parsed = new ArrayList<>();
			for (String seed : seeds) {
				parsed.add(parseHostPort(seed, "seeds"));
			}
			return seeds(parsed);
		}

		/**
		 * The clock for message times, ages and leases (tests inject a fixed or offset
		 * clock).
		 */
		public Builder clock(Clock clock) {
			this.clock = Objects.requireNonNull(clock, "'clock' must not be null");
			return this;
		}

		/** Replaces the limits. */
		public Builder limits(MeshLimits limits) {
			this.limits = Objects.requireNonNull(limits, "'limits' must not be null");
			return this;
		}

		/** Adjusts the limits, starting from the current ones. */
		public Builder limits(Consumer<MeshLimits.Builder> customizer) {
			return limits(customized(this.limits.mutate(), customizer).build());
		}

		/** Replaces the timeouts. */
		public Builder timeouts(MeshTimeouts timeouts) {
			this.timeouts = Objects.requireNonNull(timeouts, "'timeouts' must not be null");
			return this;
		}

		/** Adjusts the timeouts, starting from the current ones. */
		public Builder timeouts(Consumer<MeshTimeouts.Builder> customizer) {
			return timeouts(customized(this.timeouts.mutate(), customizer).build());
		}

		/** Replaces the thread settings. */
		public Builder threads(MeshThreads threads) {
			this.threads = Objects.requireNonNull(threads, "'threads' must not be null");
			return this;
		}

		/** Adjusts the thread settings, starting from the current ones. */
		public Builder threads(Consumer<MeshThreads.Builder> customizer) {
			return threads(customized(this.threads.mutate(), customizer).build());
		}

		/** Replaces the seeding rules. */
		public Builder seeding(MeshSeeding seeding) {
			this.seeding = Objects.requireNonNull(seeding, "'seeding' must not be null");
			return this;
		}

		/** Adjusts the seeding rules, starting from the current ones. */
		public Builder seeding(Consumer<MeshSeeding.Builder> customizer) {
			return seeding(customized(this.seeding.mutate(), customizer).build());
		}

		/**
		 * Replaces the compression settings, e.g. with {@link MeshCompression#none()}.
		 */
		public Builder compression(MeshCompression compression) {
			this.compression = Objects.requireNonNull(compression, "'compression' must not be null");
			return this;
		}

		/** Adjusts the compression settings, starting from the current ones. */
		public Builder compression(Consumer<MeshCompression.Builder> customizer) {
			return compression(customized(this.compression.mutate(), customizer).build());
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

		private static <B> B customized(B builder, Consumer<B> customizer) {
			customizer.accept(builder);
			return builder;
		}

	}

}
