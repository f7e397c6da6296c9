package io.syncsocket.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.syncsocket.DeletePolicy;
import io.syncsocket.Leasing;
import io.syncsocket.TlsOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * The settings of one socket. Every value is optional: an unset value of a named socket
 * (sync.sockets.<name>.*) falls back to sync.*, and an unset value there to the library
 * default.
 */
public class SocketProperties {

	/** Address to bind; 0.0.0.0 for all interfaces. */
	private @Nullable String addr;

	/** Port to bind; 0 picks a random free port. */
	private @Nullable Integer port;

	/**
	 * The host:port advertised to peers (what they dial), when it differs from the bound
	 * address (NAT, containers, binding 0.0.0.0).
	 */
	private @Nullable String outAddr;

	/** Leasing mode: on, off or js2p-default. */
	private @Nullable Leasing leasing;

	@NestedConfigurationProperty
	private final SocketProtocolProperties protocol = new SocketProtocolProperties();

	@NestedConfigurationProperty
	private final SocketSslProperties ssl = new SocketSslProperties();

	/**
	 * Nodes (host:port) dialed at start and re-dialed, with backoff, whenever this node
	 * is not connected to them. A host name with several addresses (a headless service, a
	 * DNS round robin) has every address dialed and is resolved again on every retry.
	 */
	private @Nullable List<String> seeds;

	@NestedConfigurationProperty
	private final SocketSeedRetryProperties seedRetry = new SocketSeedRetryProperties();

	@NestedConfigurationProperty
	private final SocketDiscoveryProperties discovery = new SocketDiscoveryProperties();

	/**
	 * js2p-style debug level of this socket's log: 0 leaves the logging configuration
	 * alone, 1-4 logs at DEBUG, 5 and above at TRACE (category io.syncsocket).
	 */
	private @Nullable Integer debugLevel;

	/**
	 * A fixed node id (must be unique in the mesh); by default the id is derived from the
	 * node name and the advertised address.
	 */
	private @Nullable String nodeId;

	/**
	 * Stable name from which, with the advertised address and the protocol, the node id
	 * is derived: an instance restarted at the same address gets its id back and can
	 * rewrite the keys it leased at once. Defaults to spring.application.name (or
	 * "application").
	 */
	private @Nullable String nodeName;

	/** Largest frame accepted from a peer; a larger length header closes that link. */
	private @Nullable DataSize maxFrameLength;

	/**
	 * Peer lists are followed only while fewer outgoing links than this (seeds and
	 * connect() included) are open or being dialed.
	 */
	private @Nullable Integer maxOutgoing;

	/** How long a new link may go without a valid handshake. */
	private @Nullable Duration handshakeTimeout;

	/** How long a partially received frame may see no data before its link is closed. */
	private @Nullable Duration stallTimeout;

	/** TCP connect timeout when dialing. */
	private @Nullable Duration connectTimeout;

	/**
	 * After a handshake, how long to wait for the peer's peer list before asking for it.
	 */
	private @Nullable Duration peerRequestDelay;

	/** Upper bound for a write waiting on the socket's node loop. */
	private @Nullable Duration operationTimeout;

	/** Unread user messages kept for recv(); the oldest are dropped beyond it. */
	private @Nullable Integer userQueueCapacity;

	/** I/O threads of the socket's Netty event loop group. Default min(2, cores). */
	private @Nullable Integer ioThreads;

	/**
	 * Whether to use Netty's native epoll transport on Linux where it loads (lower
	 * latency than NIO); false forces NIO.
	 */
	private @Nullable Boolean nativeTransport;

	/** Most accepted links open at once; further connections are refused. */
	private @Nullable Integer maxInboundLinks;

	/** Most accepted links open at once from one remote IP address. */
	private @Nullable Integer maxLinksPerAddress;

	/**
	 * Most bytes queued for one peer; a peer that stops reading is disconnected beyond
	 * it.
	 */
	private @Nullable DataSize maxQueuedBytes;

	/**
	 * Most message ids kept for duplicate suppression; beyond it whole seconds are
	 * forgotten early.
	 */
	private @Nullable Integer maxSeenMessages;

	/** Most deleted keys remembered; beyond it the oldest are forgotten early. */
	private @Nullable Integer maxTombstones;

	/**
	 * Compression methods to advertise and use, in order of preference: zlib, gzip, both
	 * (what js2p advertises) or an empty list for none (cheaper between syncsocket
	 * nodes).
	 */
	private @Nullable List<String> compression;

	/**
	 * Frames smaller than this go uncompressed to syncsocket peers (js2p and py2p peers
	 * get every frame compressed); 0 compresses all.
	 */
	private @Nullable DataSize compressionThreshold;

	/** Whether deletes are sent to peers: except-to-js2p, always or never. */
	private @Nullable DeletePolicy deletePolicy;

	/** How long deleted keys are remembered so stale copies cannot come back. */
	private @Nullable Duration tombstoneRetention;

	/**
	 * How often dictionary digests are compared with syncsocket peers, to repair
	 * differences live changes leave; 0 turns it off.
	 */
	private @Nullable Duration antiEntropyInterval;

	public @Nullable String getAddr() {
		return this.addr;
	}

	public void setAddr(@Nullable String addr) {
		this.addr = addr;
	}

	public @Nullable Integer getPort() {
		return this.port;
	}

	public void setPort(@Nullable Integer port) {
		this.port = port;
	}

	public @Nullable String getOutAddr() {
		return this.outAddr;
	}

	public void setOutAddr(@Nullable String outAddr) {
		this.outAddr = outAddr;
	}

	public @Nullable Leasing getLeasing() {
		return this.leasing;
	}

	public void setLeasing(@Nullable Leasing leasing) {
		this.leasing = leasing;
	}

	public SocketProtocolProperties getProtocol() {
		return this.protocol;
	}

	public SocketSslProperties getSsl() {
		return this.ssl;
	}

	public @Nullable List<String> getSeeds() {
		return this.seeds;
	}

	public void setSeeds(@Nullable List<String> seeds) {
		this.seeds = seeds;
	}

	public SocketSeedRetryProperties getSeedRetry() {
		return this.seedRetry;
	}

	public SocketDiscoveryProperties getDiscovery() {
		return this.discovery;
	}

	public @Nullable Integer getDebugLevel() {
		return this.debugLevel;
	}

	public void setDebugLevel(@Nullable Integer debugLevel) {
		this.debugLevel = debugLevel;
	}

	public @Nullable String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable String nodeId) {
		this.nodeId = nodeId;
	}

	public @Nullable String getNodeName() {
		return this.nodeName;
	}

	public void setNodeName(@Nullable String nodeName) {
		this.nodeName = nodeName;
	}

	public @Nullable DataSize getMaxFrameLength() {
		return this.maxFrameLength;
	}

	public void setMaxFrameLength(@Nullable DataSize maxFrameLength) {
		this.maxFrameLength = maxFrameLength;
	}

	public @Nullable Integer getMaxOutgoing() {
		return this.maxOutgoing;
	}

	public void setMaxOutgoing(@Nullable Integer maxOutgoing) {
		this.maxOutgoing = maxOutgoing;
	}

	public @Nullable Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(@Nullable Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

	public @Nullable Duration getStallTimeout() {
		return this.stallTimeout;
	}

	public void setStallTimeout(@Nullable Duration stallTimeout) {
		this.stallTimeout = stallTimeout;
	}

	public @Nullable Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(@Nullable Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public @Nullable Duration getPeerRequestDelay() {
		return this.peerRequestDelay;
	}

	public void setPeerRequestDelay(@Nullable Duration peerRequestDelay) {
		this.peerRequestDelay = peerRequestDelay;
	}

	public @Nullable Duration getOperationTimeout() {
		return this.operationTimeout;
	}

	public void setOperationTimeout(@Nullable Duration operationTimeout) {
		this.operationTimeout = operationTimeout;
	}

	public @Nullable Integer getUserQueueCapacity() {
		return this.userQueueCapacity;
	}

	public void setUserQueueCapacity(@Nullable Integer userQueueCapacity) {
		this.userQueueCapacity = userQueueCapacity;
	}

	public @Nullable Integer getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(@Nullable Integer ioThreads) {
		this.ioThreads = ioThreads;
	}

	public @Nullable Boolean getNativeTransport() {
		return this.nativeTransport;
	}

	public void setNativeTransport(@Nullable Boolean nativeTransport) {
		this.nativeTransport = nativeTransport;
	}

	public @Nullable Integer getMaxInboundLinks() {
		return this.maxInboundLinks;
	}

	public void setMaxInboundLinks(@Nullable Integer maxInboundLinks) {
		this.maxInboundLinks = maxInboundLinks;
	}

	public @Nullable Integer getMaxLinksPerAddress() {
		return this.maxLinksPerAddress;
	}

	public void setMaxLinksPerAddress(@Nullable Integer maxLinksPerAddress) {
		this.maxLinksPerAddress = maxLinksPerAddress;
	}

	public @Nullable DataSize getMaxQueuedBytes() {
		return this.maxQueuedBytes;
	}

	public void setMaxQueuedBytes(@Nullable DataSize maxQueuedBytes) {
		this.maxQueuedBytes = maxQueuedBytes;
	}

	public @Nullable Integer getMaxSeenMessages() {
		return this.maxSeenMessages;
	}

	public void setMaxSeenMessages(@Nullable Integer maxSeenMessages) {
		this.maxSeenMessages = maxSeenMessages;
	}

	public @Nullable Integer getMaxTombstones() {
		return this.maxTombstones;
	}

	public void setMaxTombstones(@Nullable Integer maxTombstones) {
		this.maxTombstones = maxTombstones;
	}

	public @Nullable List<String> getCompression() {
		return this.compression;
	}

	public void setCompression(@Nullable List<String> compression) {
		this.compression = compression;
	}

	public @Nullable DataSize getCompressionThreshold() {
		return this.compressionThreshold;
	}

	public void setCompressionThreshold(@Nullable DataSize compressionThreshold) {
		this.compressionThreshold = compressionThreshold;
	}

	public @Nullable DeletePolicy getDeletePolicy() {
		return this.deletePolicy;
	}

	public void setDeletePolicy(@Nullable DeletePolicy deletePolicy) {
		this.deletePolicy = deletePolicy;
	}

	public @Nullable Duration getTombstoneRetention() {
		return this.tombstoneRetention;
	}

	public void setTombstoneRetention(@Nullable Duration tombstoneRetention) {
		this.tombstoneRetention = tombstoneRetention;
	}

	public @Nullable Duration getAntiEntropyInterval() {
		return this.antiEntropyInterval;
	}

	public void setAntiEntropyInterval(@Nullable Duration antiEntropyInterval) {
		this.antiEntropyInterval = antiEntropyInterval;
	}

}
