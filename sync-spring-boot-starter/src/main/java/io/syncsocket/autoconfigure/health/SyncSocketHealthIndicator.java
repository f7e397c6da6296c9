package io.syncsocket.autoconfigure.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncsocket.LinkFault;
import io.syncsocket.MeshSocket;
import io.syncsocket.MeshStats;
import io.syncsocket.Peer;
import io.syncsocket.SyncSocket;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

/**
 * Health of one {@link SyncSocket}: DOWN unless it is running (bound), and DOWN once
 * another live node was found using its node id; UP when running and, if seeds are
 * configured, connected to at least one peer; otherwise the configured "unconnected"
 * status. Details: node id, addresses, protocol, leasing, peers, key count, whether the
 * initial state transfer completed, refused handshakes, link errors and every fault kind
 * that happened (slow peers, connection limits, bad frames ...).
 */
public class SyncSocketHealthIndicator extends AbstractHealthIndicator {

	private final SyncSocket socket;

	private final Status unconnectedStatus;

	public SyncSocketHealthIndicator(SyncSocket socket, Status unconnectedStatus) {
		super("SyncSocket health check failed");
		Assert.notNull(socket, "'socket' must not be null");
		Assert.notNull(unconnectedStatus, "'unconnectedStatus' must not be null");
		this.socket = socket;
		this.unconnectedStatus = unconnectedStatus;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		MeshSocket.State state = this.socket.state();
		if (state != MeshSocket.State.RUNNING) {
			builder.down().withDetail("state", state.name());
			return;
		}
		List<Peer> peers = this.socket.peers();
		boolean alone = peers.isEmpty()
				&& (!this.socket.options().seeds().isEmpty() || this.socket.options().seeding().provider() != null);
		builder.status(alone ? this.unconnectedStatus : Status.UP);
		MeshStats stats = this.socket.stats();
		if (stats.faults(LinkFault.DUPLICATE_NODE_ID) > 0) {
			// a configuration error that links cannot heal: another live node has our id
			builder.down()
				.withDetail("error", "another node uses this node's id (see the log): give each instance its own "
						+ "sync.node-id or sync.node-name");
		}
		builder.withDetail("state", state.name())
			.withDetail("nodeId", this.socket.id())
			.withDetail("boundAddress", address(this.socket.boundAddress()))
			.withDetail("advertisedAddress", address(this.socket.advertisedAddress()))
			.withDetail("protocolId", this.socket.protocolId())
			.withDetail("subnet", this.socket.protocol().subnet())
			.withDetail("leasing", this.socket.leasing().name())
			.withDetail("peerCount", peers.size())
			.withDetail("peers", describe(peers))
			.withDetail("seeds",
					this.socket.options().seeds().stream().map(SyncSocketHealthIndicator::address).toList())
			.withDetail("keys", this.socket.size())
			.withDetail("initialSyncComplete", this.socket.initialSyncComplete())
			.withDetail("rejectedHandshakes", stats.rejectedHandshakes())
			.withDetail("linkErrors", stats.linkErrors())
			.withDetail("faults", faults(stats));
	}

	/**
	 * Every fault kind that happened, by name (slow peers, connection limits, bad frames
	 * ...).
	 */
	private static Map<String, Long> faults(MeshStats stats) {
		Map<String, Long> faults = new LinkedHashMap<>();
		stats.faults().forEach((fault, count) -> {
			if (count > 0) {
				faults.put(fault.name(), count);
			}
		});
		return faults;
	}

	private static List<Map<String, Object>> describe(List<Peer> peers) {
		List<Map<String, Object>> described = new ArrayList<>(peers.size());
		for (Peer peer : peers) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("id", peer.id());
			details.put("address", address(peer.address()));
			details.put("direction", peer.direction().name());
			details.put("dialect", peer.dialect().name());
			details.put("connectedSince", peer.connectedSince().toString());
			described.add(details);
		}
		return described;
	}

	private static String address(java.net.InetSocketAddress address) {
		return address.getHostString() + ":" + address.getPort();
	}

}
