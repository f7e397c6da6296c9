package io.syncsocket.autoconfigure.endpoint;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncsocket.MeshSocket;
import io.syncsocket.Peer;
import io.syncsocket.SyncEntry;
import io.syncsocket.SyncSocket;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The read-only {@code sync} actuator endpoint: for each socket its identity, peers, key
 * count and the first keys (in key order) with their metatuples. Values are not shown.
 */
@Endpoint(id = "sync")
public class SyncSocketEndpoint {

	private final Map<String, SyncSocket> sockets;

	private final int maxKeys;

	/**
	 * @param sockets the sockets by socket name
	 * @param maxKeys most keys listed per socket
	 */
	public SyncSocketEndpoint(Map<String, SyncSocket> sockets, int maxKeys) {
		this.sockets = new LinkedHashMap<>(sockets);
		this.maxKeys = maxKeys;
	}

	@ReadOperation
	public SocketsDescriptor sockets() {
		Map<String, SocketDescriptor> descriptors = new LinkedHashMap<>();
		this.sockets.forEach((name, socket) -> descriptors.put(name, describe(socket)));
		return new SocketsDescriptor(descriptors);
	}

	@ReadOperation
	public @Nullable SocketDescriptor socket(@Selector String name) {
		SyncSocket socket = this.sockets.get(name);
		return (socket != null) ? describe(socket) : null;
	}

	private SocketDescriptor describe(SyncSocket socket) {
		if (socket.state() != MeshSocket.State.RUNNING) {
			return new SocketDescriptor(socket.state().name(), null, null, null, socket.protocolId(),
					socket.leasing().name(), List.of(), 0, List.of(), false);
		}
		List<PeerDescriptor> peers = new ArrayList<>();
		for (Peer peer : socket.peers()) {
			peers.add(new PeerDescriptor(peer.id(), address(peer.address()), peer.direction().name(),
					peer.dialect().name(), peer.connectedSince().toString(), peer.compression()));
		}
		List<SyncEntry> items = new ArrayList<>(socket.items());
		items.sort(Comparator.comparing(SyncEntry::key));
		List<KeyDescriptor> keys = new ArrayList<>();
		for (SyncEntry entry : items.subList(0, Math.min(this.maxKeys, items.size()))) {
			keys.add(new KeyDescriptor(entry.key(), entry.meta().owner(), entry.meta().timestamp()));
		}
		return new SocketDescriptor(socket.state().name(), socket.id(), address(socket.boundAddress()),
				address(socket.advertisedAddress()), socket.protocolId(), socket.leasing().name(), peers, items.size(),
				keys, items.size() > keys.size());
	}

	private static String address(InetSocketAddress address) {
		return address.getHostString() + ":" + address.getPort();
	}

	/** All sockets by name. */
	public record SocketsDescriptor(Map<String, SocketDescriptor> sockets) {
	}

	/**
	 * One socket. {@code keys} holds at most the configured number; {@code truncated}
	 * says if more exist.
	 */
	public record SocketDescriptor(String state, @Nullable String nodeId, @Nullable String boundAddress,
			@Nullable String advertisedAddress, String protocolId, String leasing, List<PeerDescriptor> peers,
			int keyCount, List<KeyDescriptor> keys, boolean truncated) {
	}

	public record PeerDescriptor(String id, String address, String direction, String dialect, String connectedSince,
			@Nullable String compression) {
	}

	public record KeyDescriptor(String key, String owner, long timestamp) {
	}

}
