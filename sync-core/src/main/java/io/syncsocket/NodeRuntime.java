package io.syncsocket;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.syncsocket.internal.mesh.MeshCounters;
import io.syncsocket.internal.mesh.MeshExtension;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.mesh.NodeLoop;
import io.syncsocket.internal.transport.Transport;
import io.syncsocket.internal.wire.Ids;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a socket, assembled in one place and in order: the transport, the node loop,
 * the bound port, the node id, the mesh node and the layer above it. A restart makes a
 * new one; {@link SocketLifecycle} keeps the lifecycle state around it.
 */
final class NodeRuntime {

	private static final Logger logger = LoggerFactory.getLogger(MeshSocket.class);

	final Transport transport;

	final NodeLoop loop;

	final MeshNode node;

	final InetSocketAddress bound;

	final InetSocketAddress advertised;

	private NodeRuntime(Transport transport, NodeLoop loop, MeshNode node, InetSocketAddress bound,
			InetSocketAddress advertised) {
		this.transport = transport;
		this.loop = loop;
		this.node = node;
		this.bound = bound;
		this.advertised = advertised;
	}

	/**
	 * Binds and builds a run; links are accepted from the moment it returns, seeds are
	 * dialed by {@link #startSeeds()}. On failure everything made so far is shut down.
	 * @throws SyncSocketException if the address cannot be bound
	 */
	static NodeRuntime create(String name, MeshOptions options, String protocolId, MeshCounters counters,
			List<MessageListener> messageListeners, List<PeerListener> peerListeners,
			Function<MeshNode, @Nullable MeshExtension> extension, Function<String, String> explainProtocol,
			Duration closeTimeout) {
		MeshLimits limits = options.limits();
		MeshThreads threads = options.threads();
		Transport transport = new Transport(new Transport.Settings(limits.maxFrameLength(), options.timeouts().stall(),
				options.timeouts().connect(), threads.ioThreads(), threads.eventLoopGroup(), threads.nativeTransport(),
				name, limits.maxInboundLinks(), limits.maxLinksPerAddress(), limits.maxQueuedBytesPerLink(),
				options.tls()));
		NodeLoop loop = new NodeLoop(name + "-node", transport::isIoThread);
		try {
			InetSocketAddress bound;
			try {
				bound = transport.bind(options.bindAddress(), options.port());
			}
			catch (java.io.UncheckedIOException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				throw new SyncSocketException(
						"cannot bind " + options.bindAddress() + ":" + options.port() + ": " + cause.getMessage(),
						cause);
			}
			String advertisedHost = (options.outHost() != null) ? options.outHost()
					: dialableHost(options.bindAddress());
			int advertisedPort = (options.outPort() != 0) ? options.outPort() : bound.getPort();
			String id = nodeId(options, protocolId, bound.getPort(), advertisedHost, advertisedPort);
			MeshNode node = new MeshNode(options, id, protocolId, advertisedHost, advertisedPort, loop, counters,
					messageListeners, peerListeners, explainProtocol);
			node.transport(transport);
			MeshExtension above = extension.apply(node);
			if (above != null) {
				node.extension(above);
			}
			// The node id needs the bound port, so links accepted before this line are
			// refused.
			transport.listener(node);
			return new NodeRuntime(transport, loop, node, bound,
					InetSocketAddress.createUnresolved(advertisedHost, advertisedPort));
		}
		catch (RuntimeException ex) {
			transport.close(closeTimeout);
			loop.shutdown(closeTimeout);
			throw ex;
		}
	}

	void startSeeds() {
		this.node.startSeeds(this.bound);
	}

	/**
	 * Closes every link (on the node loop, waiting, so that nothing dials after the event
	 * loops are gone), then the I/O and node threads.
	 */
	void shutdown(Duration timeout) {
		if (this.loop.inLoop()) {
			this.node.closeAll();
		}
		else {
			try {
				this.loop.submit(() -> {
					this.node.closeAll();
					return null;
				}).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				logger.warn("Closing links of socket {} did not finish cleanly", MeshSocket.abbreviate(this.node.id()),
						ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.transport.close(timeout);
		this.loop.shutdown(timeout);
	}

	/**
	 * The configured node id; else one derived from the node name and the advertised
	 * address; else js2p's form with this process's random salt (PROTOCOL.md §3.4).
	 */
	private static String nodeId(MeshOptions options, String protocolId, int boundPort, String advertisedHost,
			int advertisedPort) {
		String fixed = options.nodeId();
		if (fixed != null) {
			return fixed;
		}
		String name = options.nodeName();
		if (name != null) {
			// no random salt: the same name at the same address gives the same id again
			return Ids.nodeId(advertisedHost, advertisedPort, protocolId, "name:" + name);
		}
		return Ids.nodeId(options.bindAddress(), boundPort, protocolId);
	}

	/**
	 * A host peers can dial for a bind address: the address itself, or for a wildcard
	 * bind the first site-local IPv4 address (js2p uses the LAN IP too), else loopback.
	 */
	private static String dialableHost(String bindAddress) {
		if (!"0.0.0.0".equals(bindAddress) && !"::".equals(bindAddress)) {
			return bindAddress;
		}
		try {
			for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
				if (!nic.isUp() || nic.isLoopback()) {
					continue;
				}
				for (InetAddress address : Collections.list(nic.getInetAddresses())) {
					if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
						return address.getHostAddress();
					}
				}
			}
		}
		catch (SocketException ex) {
			logger.debug("Cannot list network interfaces", ex);
		}
		return "127.0.0.1";
	}

}
