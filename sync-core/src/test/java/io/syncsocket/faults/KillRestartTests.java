package io.syncsocket.faults;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.Leasing;
import io.syncsocket.TestResources;
import io.syncsocket.faults.FaultMesh.Link;
import io.syncsocket.faults.FaultMesh.Slot;
import io.syncsocket.faults.Versions.Snapshot;
import io.syncsocket.interop.Js2pNode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes in separate JVMs killed with SIGKILL while clients write, restarted on the same
 * port: they rejoin through seeds that are re-dialed with backoff (by the survivors and
 * by the restarted node), receive the full state, and every replica ends identical with
 * every acknowledged write kept (see {@link AckLedger}).
 */
@Tag("slow")
class KillRestartTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final AckLedger ledger = new AckLedger();

	@RegisterExtension
	final TestResources resources = new TestResources();

	private @Nullable FaultMesh mesh;

	@AfterEach
	void closeEverything() throws Exception {
		if (this.mesh != null) {
			this.mesh.close();
			assertThat(this.mesh.leakReports()).as("Netty leak reports of the node processes").isEmpty();
		}
	}

	private FaultMesh mesh(Leasing leasing) {
		this.mesh = new FaultMesh(leasing);
		return this.mesh;
	}

	private <T extends AutoCloseable> T closeLater(T resource) {
		this.resources.add(resource);
		return resource;
	}

	/**
	 * Three nodes in a triangle, leases off (a restarted node has a new id and must be
	 * able to write keys its old id wrote). A client streams sets to {@code a} while
	 * {@code b} is killed and restarted.
	 */
	@Test
	void killedNodeShouldRejoinOnItsPortAndConvergeWhileWritesContinue() {
		FaultMesh mesh = mesh(Leasing.OFF);
		Slot a = mesh.node("a");
		Slot b = mesh.node("b");
		Slot c = mesh.node("c");
		Link ab = mesh.link(a, b); // a re-dials b when b dies
		mesh.link(b, c); // the restarted b dials c itself
		mesh.link(a, c);
		mesh.start();
		String oldId = b.node().id();
		WriteStream client = closeLater(new WriteStream("client-a", a::node, this.ledger,
				(i) -> WriteStream.Write.set("k" + (i % 40), "v" + i)))
			.start();
		client.awaitMoreAcks(100, WAIT);

		long dialsBefore = ab.proxy().accepted();
		long killedAt = System.nanoTime();
		mesh.kill(b);
		await().atMost(WAIT).until(() -> !a.node().peerIds().contains(oldId) && !c.node().peerIds().contains(oldId));
		// b stays down while a re-dials it a few times and the client keeps writing
		await().atMost(WAIT).until(() -> ab.proxy().accepted() - dialsBefore >= 4);
		client.awaitMoreAcks(100, WAIT);
		long downMillis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
		long dialsWhileDown = ab.proxy().accepted() - dialsBefore;

		mesh.restart(b);
		assertThat(b.node().id()).as("a restarted node derives a new id (fresh salt)").isNotEqualTo(oldId);
		mesh.awaitLinked(); // a re-dialed b through the proxy; b dialed c
		client.awaitMoreAcks(100, WAIT);
		client.close();

		assertThat(client.failed()).as("writes refused by a, which never went down (first: %s)", client.firstFailure())
			.isZero();
		Snapshot converged = mesh.awaitIdentical();
		assertThat(converged.entries()).hasSize(40);
		assertThat(this.ledger.lost(converged, FaultMesh.snapshots(mesh.slots()))).isEmpty();
		// backoff: seedRetry 200 ms doubling to 2 s dials at about 0, 0.2, 0.6, 1.4, 3.0,
		// 5.0 ... s; a fixed 250 ms re-dial would have made downMillis / 250 attempts
		assertThat(dialsWhileDown).as("dials of b by a in %d ms down", downMillis)
			.isBetween(4L, expectedDials(downMillis, 200, 2000) + 2);
	}

	/**
	 * With leases on, the lease belongs to the node id. A node restarted with the same
	 * fixed id (MeshOptions.nodeId) may go on writing the keys it leased before it was
	 * killed, and other nodes still may not; restarted with a new id it is locked out of
	 * them like any other node.
	 */
	@Test
	void restartedNodeShouldKeepItsLeasesOnlyWithItsFixedNodeId() {
		FaultMesh mesh = mesh(Leasing.ON);
		Slot a = mesh.node("a");
		Slot b = mesh.node("b");
		b.spec = b.spec.withNodeId("fault-b-" + b.spec.port());
		mesh.link(b, a);
		mesh.start();
		long written = b.node().command("set", Map.of("key", "lease/1", "value", "v1")).path("ts").asLong();
		await().atMost(WAIT).until(() -> a.node().snapshot().entries().containsKey("lease/1"));
		// in the second of the write the smaller id may still take the key (PROTOCOL.md
		// §7.4 rule 5)
		awaitSecondAfter(written);
		assertThat(a.node().set("lease/1", "a1").path("error").asText()).isEqualTo("lease");

		mesh.kill(b);
		mesh.restart(b);
		mesh.awaitLinked();
		awaitInitialSync(b.node());
		assertThat(b.node().snapshot().entries().get("lease/1").owner()).isEqualTo("fault-b-" + b.spec.port());
		JsonNode rewrite = b.node().set("lease/1", "v2");
		assertThat(rewrite.path("ok").asBoolean()).as("same id after restart: its own lease (%s)", rewrite).isTrue();
		awaitSecondAfter(rewrite.path("result").path("ts").asLong());
		assertThat(a.node().set("lease/1", "a2").path("error").asText()).isEqualTo("lease");
		mesh.awaitIdentical();

		String fixedId = b.node().id();
		mesh.kill(b);
		b.spec = b.spec.withNodeId(null);
		mesh.restart(b);
		mesh.awaitLinked();
		awaitInitialSync(b.node());
		assertThat(b.node().id()).isNotEqualTo(fixedId);
		JsonNode refused = b.node().set("lease/1", "v3");
		assertThat(refused.path("error").asText()).as("new id: the old id's lease holds (%s)", refused)
			.isEqualTo("lease");
		Snapshot converged = mesh.awaitIdentical();
		assertThat(converged.entries().get("lease/1").json().asText()).isEqualTo("v2");
	}

	/**
	 * A js2p node never reconnects (PROTOCOL.md §5.8), so what survives a crash is the
	 * Java side: the js2p node is SIGKILLed while a client writes through a Java node, a
	 * new js2p node is started on the same port, the Java node re-dials it (seed) and
	 * hands it the full state.
	 */
	@Test
	void killedJs2pNodeShouldReceiveTheFullStateWhenRestarted() {
		Js2pNode.assumeAvailable();
		int js2pPort = FaultNode.freePort();
		Js2pNode.Options js2pOptions = Js2pNode.Options.sync().withLeasing(Js2pNode.Leasing.FALSE).withPort(js2pPort);
		Js2pNode first = closeLater(Js2pNode.start(js2pOptions));
		FaultMesh mesh = mesh(Leasing.OFF); // sync0, as js2p with leasing false
		Slot a = mesh.node("a");
		Slot b = mesh.node("b");
		mesh.link(b, a);
		ToxicProxy toJs2p = closeLater(ToxicProxy.to("a->js2p", js2pPort));
		a.spec = a.spec.withSeeds(List.of(toJs2p.port()));
		mesh.start();
		await().atMost(WAIT).until(() -> a.node().peerIds().contains(first.id()));
		first.set("from-js2p", Js2pNode.str("hello"));
		WriteStream client = closeLater(new WriteStream("client-b", b::node, this.ledger,
				(i) -> WriteStream.Write.set("k" + (i % 30), "v" + i)))
			.start();
		client.awaitMoreAcks(100, WAIT);

		first.kill();
		await().atMost(WAIT).until(() -> !a.node().peerIds().contains(first.id()));
		client.awaitMoreAcks(100, WAIT);
		Js2pNode second = closeLater(Js2pNode.start(js2pOptions));
		await().atMost(WAIT).until(() -> a.node().peerIds().contains(second.id()));
		client.awaitMoreAcks(50, WAIT);
		client.close();

		Snapshot converged = FaultMesh.awaitIdentical(mesh.slots(), WAIT);
		assertThat(converged.entries()).containsKey("from-js2p").hasSize(31);
		assertThat(this.ledger.lost(converged, FaultMesh.snapshots(mesh.slots()))).isEmpty();
		await().atMost(WAIT).untilAsserted(() -> {
			java.util.Map<String, String> js2pState = new java.util.TreeMap<>();
			for (JsonNode item : second.items()) {
				js2pState.put(item.get(0).asText(), item.get(1).path("v").asText());
			}
			java.util.Map<String, String> javaState = new java.util.TreeMap<>();
			converged.entries().forEach((key, version) -> javaState.put(key, version.json().asText()));
			assertThat(js2pState).isEqualTo(javaState);
		});
	}

	private static void awaitSecondAfter(long second) {
		await().atMost(Duration.ofSeconds(3)).until(() -> System.currentTimeMillis() / 1000 > second);
	}

	private static void awaitInitialSync(FaultNode node) {
		await().atMost(WAIT).until(() -> node.initialSyncComplete());
	}

	/**
	 * How many dials a seed dialer with this backoff makes in {@code millis} after losing
	 * its peer (first one at once).
	 */
	static long expectedDials(long millis, long initial, long max) {
		long dials = 1;
		long at = 0;
		long delay = initial;
		while (at + delay <= millis) {
			at += delay;
			dials++;
			delay = Math.min(delay * 2, max);
		}
		return dials;
	}

}
