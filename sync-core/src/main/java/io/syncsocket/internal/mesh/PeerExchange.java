package io.syncsocket.internal.mesh;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.syncsocket.LinkFault;
import io.syncsocket.MeshOptions;
import io.syncsocket.Peer;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MeshMessages;
import io.syncsocket.internal.wire.MeshMessages.PeerEntry;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * What nodes tell each other about the mesh (PROTOCOL.md §5.4, §5.5, §5.7): peer lists
 * and the dials they lead to, {@code request "*"} and route requests, and compression
 * renegotiation. Under the node lock; a malformed message throws
 * {@link WireFormatException}, which closes that link.
 */
final class PeerExchange {

	private static final byte[] REQUEST_ALL = "*".getBytes(StandardCharsets.UTF_8);

	private final LocalNode self;

	private final MeshOptions options;

	private final Clock clock;

	private final NodeExecutor loop;

	private final LinkTable links;

	private final Dials dials;

	private final Outbox outbox;

	private final SeenSet seen;

	private @Nullable MeshExtension extension;

	PeerExchange(LocalNode self, MeshOptions options, NodeExecutor loop, LinkTable links, Dials dials, Outbox outbox,
			SeenSet seen) {
		this.self = self;
		this.options = options;
		this.clock = options.clock();
		this.loop = loop;
		this.links = links;
		this.dials = dials;
		this.outbox = outbox;
		this.seen = seen;
	}

	/** The layer above, whose state a {@code request "*"} asks for too. */
	void extension(MeshExtension extension) {
		this.extension = extension;
	}

	/** Sends the state of the layer above, if there is one. */
	void sendState(Connection to) {
		if (this.extension != null) {
			this.extension.sendState(to);
		}
	}

	/**
	 * Asks a peer for its peers and full state ({@code request "*"}, PROTOCOL.md §5.5).
	 */
	void requestState(Connection to) {
		this.outbox.whisper(to, List.of(Flags.REQUEST, REQUEST_ALL));
	}

	/**
	 * A peers message with at most one entry (PROTOCOL.md §5.4, §9 Q6): a random other
	 * peer.
	 */
	void sendPeers(Connection to) {
		List<Connection> candidates = new ArrayList<>();
		for (Connection connection : this.links.routes()) {
			if (connection != to) {
				candidates.add(connection);
			}
		}
		List<Object> entries = new ArrayList<>(1);
		if (!candidates.isEmpty()) {
			Peer other = Objects.requireNonNull(candidates.get(this.loop.random().nextInt(candidates.size())).peer);
			entries.add(List.of(List.of(other.address().getHostString(), other.address().getPort()), other.id()));
		}
		this.outbox.whisper(to, List.of(Flags.PEERS, entries));
	}

	void peersReceived(Connection from, WireMessage message) {
		from.peersReceived = true;
		for (PeerEntry entry : MeshMessages.peers(message)) {
			String peerId = entry.nodeId();
			if (peerId.equals(this.self.id()) || this.self.isOwnAddress(entry.address()) || this.links.isRouted(peerId)
					|| this.dials.isDialing(peerId)) {
				continue;
			}
			if (this.dials.outgoing() >= this.options.maxOutgoing()) {
				return;
			}
			this.dials.dialPeer(peerId, entry.address());
		}
	}

	void request(Connection from, WireMessage message) {
		if (message.packetCount() == 2 && isRequestAll(message.packet(1)) && message.msgType() == Flags.BROADCAST) {
			throw new WireFormatException(LinkFault.UNKNOWN_FLAG, "request \"*\" as a broadcast (it is a whisper)");
		}
		if (message.packetCount() == 2 && isRequestAll(message.packet(1))) {
			sendPeers(from);
			sendState(from);
			return;
		}
		if (message.packetCount() == 3 && message.msgType() == Flags.BROADCAST) {
			// A route request: answer if we are connected to the target (PROTOCOL.md
			// §5.5).
			String target = MessageCodec.nodeIdText(message.packet(2));
			Connection route = (target != null) ? this.links.route(target) : null;
			if (route != null && route.peer != null) {
				InetSocketAddress address = route.peer.address();
				List<Object> response = List.of(Flags.RESPONSE, Objects.requireNonNull(message.packet(1)),
						List.of(List.of(address.getHostString(), address.getPort()), target));
				byte[] blob = MessageCodec.encode(Flags.BROADCAST, this.self.id(), nowSeconds(), response);
				this.seen.add(blob, nowSeconds(), nowSeconds());
				this.outbox.write(from, blob, true);
			}
			return;
		}
		throw new WireFormatException(LinkFault.INVALID_MESSAGE, "request with " + message.packetCount() + " packets");
	}

	private static boolean isRequestAll(@Nullable Object value) {
		return "*".equals(MessageCodec.nodeIdText(value));
	}

	void renegotiate(Connection from, WireMessage message) {
		int subFlag = message.subFlag();
		if (subFlag == Flags.COMPRESSION && message.packetCount() == 2) {
			List<Integer> methods = MeshMessages.compression(message.packet(1));
			if (methods == null) {
				throw new WireFormatException(LinkFault.INVALID_MESSAGE, "renegotiate with a bad compression list");
			}
			if (!methods.equals(from.peerCompression)) {
				from.peerCompression = methods;
				Compression chosen = Compression.choose(this.self.compression(), methods);
				from.link.compression(chosen);
				Peer peer = Objects.requireNonNull(from.peer);
				from.peer = new Peer(peer.id(), peer.address(), peer.remoteAddress(), peer.direction(),
						peer.connectedSince(), Compression.displayName(chosen), peer.dialect());
				this.links.peersChanged();
				List<Integer> common = new ArrayList<>();
				for (Integer method : this.self.compression()) {
					if (methods.contains(method)) {
						common.add(method);
					}
				}
				// Only peers that renegotiate (py2p) ever get a renegotiate back; js2p
				// never sends one.
				this.outbox.write(from, MessageCodec.encode(Flags.RENEGOTIATE, this.self.id(), nowSeconds(),
						List.of(Flags.COMPRESSION, common)), true);
			}
		}
		else if (subFlag == Flags.RESEND && from.lastSentPayload != null) {
			List<?> payload = from.lastSentPayload;
			byte[] blob = MessageCodec.encode(from.lastSentType, this.self.id(), nowSeconds(), payload);
			if (from.lastSentType == Flags.BROADCAST) {
				this.seen.add(blob, nowSeconds(), nowSeconds());
			}
			this.outbox.write(from, blob, true);
		}
		else if (subFlag != Flags.RESEND) {
			throw new WireFormatException(LinkFault.UNKNOWN_FLAG, "renegotiate sub-flag " + describeFlag(message));
		}
	}

	static String describeFlag(WireMessage message) {
		return (message.packetCount() == 0) ? "missing" : String.valueOf(message.packet(0));
	}

	private long nowSeconds() {
		return Math.floorDiv(this.clock.millis(), 1000);
	}

}
