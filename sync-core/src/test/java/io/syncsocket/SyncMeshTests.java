package io.syncsocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.syncsocket.TestSockets.awaitIdentical;
import static io.syncsocket.TestSockets.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Meshes of three and five Java nodes over loopback TCP: every API call replicates,
 * deletes stick, late joiners and reconnecting nodes catch up.
 */
class SyncMeshTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final List<SyncSocket> sockets = new ArrayList<>();

	private final MutableClock clock = MutableClock.atNow();

	@AfterEach
	void closeSockets() {
		this.sockets.forEach(SyncSocket::close);
	}

	private SyncSocket start() {
		SyncSocket socket = new SyncSocket(
				SyncOptions.builder().mesh((mesh) -> mesh.clock(this.clock).maxOutgoing(0)).build());
		this.sockets.add(socket);
		return socket.start();
	}

	@Test
	void setShouldCrossALineThroughTheMiddleNodeOnce() {
		SyncSocket a = start();
		SyncSocket b = start();
		SyncSocket c = start();
		link(a, b);
		link(c, b);
		List<SyncEvent> events = new CopyOnWriteArrayList<>();
		c.addSyncListener(new SyncListener() {
			@Override
			public void onUpdate(SyncEvent event) {
				events.add(event);
			}
		});
		a.set("k", "v");
		await().atMost(WAIT).until(() -> "v".equals(c.get("k")));
		await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> events.size() == 1);
		assertThat(events.get(0).origin()).isEqualTo(SyncEvent.Origin.REMOTE);
		assertThat(events.get(0).meta().owner()).isEqualTo(a.id());
		assertThat(b.stats().broadcastsRelayed()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void everyApiCallShouldReplicateInAFiveNodeMesh() {
		List<SyncSocket> nodes = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			nodes.add(start());
		}
		// a ring plus one chord: every node reachable on more than one path
		for (int i = 0; i < 5; i++) {
			link(nodes.get(i), nodes.get((i + 1) % 5));
		}
		link(nodes.get(0), nodes.get(2));
		SyncSocket a = nodes.get(0);
		SyncSocket c = nodes.get(2);
		a.set("s", "text");
		a.update(Map.of("u1", 1, "u2", List.of("x")));
		c.applyDelta("d", Map.of("x", 1));
		c.applyDelta("d", Map.of("y", 2));
		a.set("gone", true);
		awaitIdentical(nodes);
		a.del("gone");
		assertThat(a.pop("u1")).isEqualTo(1L);
		awaitIdentical(nodes);
		for (SyncSocket node : nodes) {
			assertThat(node.keys()).containsExactlyInAnyOrder("s", "u2", "d");
			assertThat(node.getMap("d")).containsEntry("x", 1L).containsEntry("y", 2L);
		}
		this.clock.advance(Duration.ofSeconds(10)); // past same-second ties (PROTOCOL.md
													// §7.4 rule 5)
		SyncEntry popped = c.popitem(); // c owns only "d": the other keys are leased by a
		awaitIdentical(nodes);
		assertThat(popped.key()).isEqualTo("d");
		assertThat(nodes.get(1).keys()).containsExactlyInAnyOrder("s", "u2");
	}

	@Test
	void deleteShouldStickWhenANodeThatMissedItReconnects() {
		SyncSocket a = start();
		SyncSocket b = start();
		SyncSocket stale = start();
		link(a, b);
		link(stale, a);
		a.set("k", "v");
		await().atMost(WAIT).until(() -> stale.containsKey("k") && b.containsKey("k"));
		a.disconnect(stale.id());
		await().atMost(WAIT).until(() -> stale.peers().isEmpty());
		this.clock.advance(Duration.ofSeconds(5));
		a.del("k");
		await().atMost(WAIT).until(() -> !b.containsKey("k"));
		assertThat(stale.get("k")).isEqualTo("v");
		link(stale, b);
		awaitIdentical(List.of(a, b, stale));
		assertThat(stale.containsKey("k")).isFalse();
		assertThat(a.containsKey("k")).isFalse();
	}

	@Test
	void lateJoinerShouldGetEverythingThroughOneLinkAndOthersKeepTheirs() {
		SyncSocket a = start();
		SyncSocket b = start();
		link(a, b);
		for (int i = 0; i < 200; i++) {
			(i % 2 == 0 ? a : b).set("k" + i, "v" + i);
		}
		SyncSocket late = start();
		late.set("own", 1);
		link(late, b);
		awaitIdentical(List.of(a, b, late));
		assertThat(a.size()).isEqualTo(201);
	}

}
