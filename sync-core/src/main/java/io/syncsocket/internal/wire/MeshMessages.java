package io.syncsocket.internal.wire;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.syncsocket.LinkFault;
import io.syncsocket.Peer;
import org.jspecify.annotations.Nullable;

/**
 * The mesh layer's messages (PROTOCOL.md §5), parsed once into records that are valid by
 * construction: a handler gets a {@link Handshake} or a {@link PeerEntry} list, never a
 * payload to check again.
 */
public final class MeshMessages {

	private MeshMessages() {
	}

	/**
	 * A handshake: the peer's id, protocol id, advertised address, compression methods
	 * (ids 0–255, in its order of preference) and the dialect its encoding shows.
	 */
	public record Handshake(String nodeId, String protocolId, InetSocketAddress address, List<Integer> compression,
			Peer.Dialect dialect) {
	}

	/** One {@code [[host, port], id]} entry of a peers message. */
	public record PeerEntry(InetSocketAddress address, String nodeId) {
	}

	/**
	 * Parses a five-element handshake payload.
	 * @throws WireFormatException ({@link LinkFault#INVALID_HANDSHAKE}) naming the
	 * element types if one is missing or of the wrong type
	 */
	public static Handshake handshake(List<@Nullable Object> payload) {
		String nodeId = MessageCodec.nodeIdText(payload.get(1));
		String protocolId = MessageCodec.nodeIdText(payload.get(2));
		InetSocketAddress address = address(payload.get(3));
		List<Integer> compression = compression(payload.get(4));
		if (nodeId == null || nodeId.isEmpty() || protocolId == null || address == null || compression == null) {
			throw new WireFormatException(LinkFault.INVALID_HANDSHAKE,
					"handshake element types: id " + MessageCodec.describe(payload.get(1)) + ", protocol "
							+ MessageCodec.describe(payload.get(2)) + ", address "
							+ MessageCodec.describe(payload.get(3)) + ", compression "
							+ MessageCodec.describe(payload.get(4)));
		}
		return new Handshake(nodeId, protocolId, address, compression, dialect(payload));
	}

	/**
	 * The entries of a peers message; malformed entries are skipped, as js2p does.
	 * @throws WireFormatException if the message carries no list
	 */
	public static List<PeerEntry> peers(WireMessage message) {
		if (!hasPeerList(message) || !(message.packet(1) instanceof List<?> entries)) {
			throw new WireFormatException(LinkFault.INVALID_MESSAGE, "peers message without a list");
		}
		List<PeerEntry> peers = new ArrayList<>(entries.size());
		for (Object entry : entries) {
			if (entry instanceof List<?> pair && pair.size() == 2) {
				InetSocketAddress address = address(pair.get(0));
				String nodeId = MessageCodec.nodeIdText(pair.get(1));
				if (address != null && nodeId != null) {
					peers.add(new PeerEntry(address, nodeId));
				}
			}
		}
		return peers;
	}

	/**
	 * Whether the mesh layer rejects this broadcast as INVALID_MESSAGE: then it is not
	 * relayed (it would close every peer's link to the relaying node as well). A request
	 * broadcast is a route request (three packets); request "*" is a whisper, and as a
	 * broadcast every node would answer its neighbour with its whole state.
	 */
	public static boolean isInvalidBroadcast(WireMessage message) {
		return switch (message.subFlag()) {
			case Flags.PEERS -> !hasPeerList(message);
			case Flags.REQUEST -> message.packetCount() != 3;
			default -> false;
		};
	}

	private static boolean hasPeerList(WireMessage message) {
		return message.packetCount() >= 2 && message.packet(1) instanceof List<?>;
	}

	/**
	 * A compression list (a handshake's fifth element, a renegotiation's packet): ids
	 * outside 0–255 are dropped; null if it is not a list of integers.
	 */
	public static @Nullable List<Integer> compression(@Nullable Object value) {
		if (!(value instanceof List<?> list)) {
			return null;
		}
		List<Integer> ids = new ArrayList<>(list.size());
		for (Object element : list) {
			if (!(element instanceof Long id)) {
				return null;
			}
			if (id >= 0 && id <= 0xff) {
				ids.add(id.intValue());
			}
		}
		return List.copyOf(ids);
	}

	/** An address pair {@code [host, port]}, or null. */
	private static @Nullable InetSocketAddress address(@Nullable Object value) {
		if (value instanceof List<?> pair && pair.size() == 2 && pair.get(1) instanceof Long port && port >= 0
				&& port <= 65535) {
			String host = MessageCodec.nodeIdText(pair.get(0));
			if (host != null && !host.isEmpty()) {
				return InetSocketAddress.createUnresolved(host, port.intValue());
			}
		}
		return null;
	}

	/**
	 * The dialect the encoding shows: js2p sends the protocol id as str, py2p node ids as
	 * bin, syncsocket node ids as str and the protocol id as bin (PROTOCOL.md §5.1).
	 */
	private static Peer.Dialect dialect(List<@Nullable Object> handshake) {
		if (handshake.get(2) instanceof String) {
			return Peer.Dialect.JS2P;
		}
		return (handshake.get(1) instanceof byte[]) ? Peer.Dialect.PY2P : Peer.Dialect.SYNCSOCKET;
	}

}
