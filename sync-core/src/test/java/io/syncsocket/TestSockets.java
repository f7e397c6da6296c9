package io.syncsocket;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.syncsocket.internal.wire.Msgpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Linking sockets over loopback and comparing their dictionaries, for tests. */
public final class TestSockets {

	private static final Duration LINK_WAIT = Duration.ofSeconds(10);

	private static final Duration CONVERGENCE_WAIT = Duration.ofSeconds(15);

	private TestSockets() {
	}

	/** Connects two nodes and waits until both have registered each other. */
	public static void link(MeshSocket from, MeshSocket to) {
		from.connect("127.0.0.1", to.boundAddress().getPort());
		await().atMost(LINK_WAIT).until(() -> to.peers().stream().anyMatch((peer) -> peer.id().equals(from.id())));
	}

	/** Key → value (as msgpack hex) and metadata: comparable across nodes. */
	public static Map<String, String> snapshot(SyncSocket socket) {
		Map<String, String> snapshot = new TreeMap<>();
		for (SyncEntry entry : socket.items()) {
			snapshot.put(entry.key(), HexFormat.of().formatHex(Msgpack.encode(entry.value())) + " " + entry.meta());
		}
		return snapshot;
	}

	/** Waits until every node holds the first one's dictionary. */
	public static void awaitIdentical(List<SyncSocket> nodes) {
		await().atMost(CONVERGENCE_WAIT)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(5))
			.untilAsserted(() -> {
				Map<String, String> first = snapshot(nodes.get(0));
				for (SyncSocket node : nodes.subList(1, nodes.size())) {
					assertThat(snapshot(node)).as("dictionary of %s", node).isEqualTo(first);
				}
			});
	}

}
