package io.syncsocket.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.Leasing;
import io.syncsocket.TestResources;
import io.syncsocket.faults.FaultMesh.Link;
import io.syncsocket.faults.FaultMesh.Slot;
import io.syncsocket.faults.Versions.Snapshot;
import io.syncsocket.faults.Versions.Version;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Java nodes in separate JVMs whose links run through {@link ToxicProxy proxies}:
 * partitions (cut), blackholes and slow links, then healing. Leases off: the newest write
 * wins (ties: the smaller node id), which is the order every replica must end with.
 */
@Tag("slow")
class NetworkFaultTests {

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

	private FaultMesh mesh(String... nodeArgs) {
		this.mesh = new FaultMesh(Leasing.OFF, nodeArgs);
		return this.mesh;
	}

	/**
	 * {a, b} and {c} are cut apart; both sides write, including conflicting writes to the
	 * same keys and deletes against sets; after healing every replica holds, for every
	 * key, the newest acknowledged version in the merge order, and the losing side's
	 * writes are gone.
	 */
	@Test
	void partitionedSidesShouldConvergeToTheNewestAcknowledgedWrites() {
		FaultMesh mesh = mesh();
		Slot a = mesh.node("a");
		Slot b = mesh.node("b");
		Slot c = mesh.node("c");
		mesh.link(a, b);
		mesh.link(b, c);
		mesh.link(a, c);
		mesh.start();
		write(b, WriteStream.Write.set("z0", "before"));
		write(b, WriteStream.Write.set("z1", "before"));
		mesh.awaitIdentical();

		List<Link> cut = mesh.partition(Set.of(c));
		assertThat(cut).hasSize(2);
		String cId = c.node().id();
		await().atMost(WAIT)
			.until(() -> c.node().peerIds().isEmpty() && !a.node().peerIds().contains(cId)
					&& !b.node().peerIds().contains(cId));

		// phase 1: each side writes its half of the x keys, both sides write the y keys
		List<JsonNode> phase1 = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			phase1.add(write(a, WriteStream.Write.set("x" + i, "a1-" + i)));
			phase1.add(write(c, WriteStream.Write.set("x" + (i + 5), "c1-" + (i + 5))));
		}
		for (int i = 0; i < 4; i++) {
			phase1.add(write(a, WriteStream.Write.set("y" + i, "a-" + i)));
			phase1.add(write(c, WriteStream.Write.set("y" + i, "c-" + i)));
		}
		phase1.add(write(a, WriteStream.Write.set("z0", "a")));
		phase1.add(write(a, WriteStream.Write.delete("z1")));
		phase1.add(write(a, WriteStream.Write.set("only-a", 1)));
		phase1.add(write(c, WriteStream.Write.delta("only-c", Map.of("f", 1))));
		awaitSecondAfter(
				phase1.stream().mapToLong((ack) -> ack.path("result").path("ts").asLong()).max().orElseThrow());

		// phase 2, a later second: each side overwrites the other side's half; c deletes
		// z0, sets z1
		for (int i = 0; i < 5; i++) {
			write(c, WriteStream.Write.set("x" + i, "c2-" + i));
			write(a, WriteStream.Write.set("x" + (i + 5), "a2-" + (i + 5)));
		}
		write(c, WriteStream.Write.delete("z0"));
		write(c, WriteStream.Write.set("z1", "c"));
		// the partition held: each side still has its own view
		assertThat(value(a.node().snapshot(), "x0")).isEqualTo("a1-0");
		assertThat(value(c.node().snapshot(), "x0")).isEqualTo("c2-0");
		assertThat(b.node().snapshot().entries()).doesNotContainKey("only-c");

		mesh.healAll();
		mesh.awaitLinked();
		Snapshot converged = mesh.awaitIdentical();

		Map<String, Version> expected = this.ledger.expectedWinners();
		for (Map.Entry<String, Version> winner : expected.entrySet()) {
			Version found = converged.entries().get(winner.getKey());
			if (winner.getValue().isTombstone()) {
				assertThat(found).as("key %s, deleted last", winner.getKey()).isNull();
			}
			else {
				assertThat(found).as("key %s", winner.getKey()).isNotNull();
				assertThat(found.render()).as("key %s", winner.getKey()).isEqualTo(winner.getValue().render());
			}
		}
		assertThat(this.ledger.lost(converged, FaultMesh.snapshots(mesh.slots()))).isEmpty();
		for (int i = 0; i < 5; i++) {
			assertThat(value(converged, "x" + i)).isEqualTo("c2-" + i);
			assertThat(value(converged, "x" + (i + 5))).isEqualTo("a2-" + (i + 5));
		}
		assertThat(converged.entries()).doesNotContainKey("z0").containsKeys("only-a", "only-c");
		assertThat(value(converged, "z1")).isEqualTo("c");
	}

	/**
	 * A blackholed link (bytes dropped, connection kept) is not noticed: the protocol has
	 * no keep-alive (PROTOCOL.md §5.8) and an idle link that receives nothing is healthy
	 * as far as a node can tell, so writes made meanwhile are silently missing on the
	 * other side. A new dial into the blackhole fails by the handshake timeout and is
	 * retried with backoff. Once the network heals (the broken connection is reset, as
	 * TCP eventually does) the seed is re-dialed, both sides exchange their full state,
	 * and nothing acknowledged is lost.
	 */
	@Test
	void blackholedLinkShouldStayUpUnnoticedAndConvergeOnceHealed() {
		FaultMesh mesh = mesh("--handshake-timeout-ms", "1000");
		Slot a = mesh.node("a");
		Slot b = mesh.node("b");
		Link ab = mesh.link(a, b);
		mesh.start();
		write(a, WriteStream.Write.set("k1", "v1"));
		mesh.awaitIdentical();
		String aId = a.node().id();
		String bId = b.node().id();

		ab.proxy().blackhole();
		write(a, WriteStream.Write.set("k2", "from-a"));
		write(b, WriteStream.Write.set("k3", "from-b"));
		write(b, WriteStream.Write.delete("k1"));
		await().atMost(WAIT).until(() -> ab.proxy().swallowedBytes() > 0);
		await().during(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> {
			assertThat(a.node().peerIds()).containsExactly(bId);
			assertThat(b.node().peerIds()).containsExactly(aId);
			assertThat(b.node().snapshot().entries()).doesNotContainKey("k2");
			assertThat(a.node().snapshot().entries()).containsKey("k1").doesNotContainKey("k3");
		});

		// the stuck connection breaks (as a TCP retransmission timeout would end it); the
		// blackhole stays
		long dials = ab.proxy().accepted();
		ab.proxy().cut().blackhole();
		await().atMost(WAIT).until(() -> a.node().peerIds().isEmpty() && b.node().peerIds().isEmpty());
		// a dials into the blackhole: TCP connects, no handshake ever comes back, the
		// dial times out
		await().atMost(WAIT).until(() -> ab.proxy().accepted() >= dials + 2);
		assertThat(a.node().peerIds()).isEmpty();

		ab.proxy().heal();
		mesh.awaitLinked();
		Snapshot converged = mesh.awaitIdentical();
		assertThat(converged.entries()).containsOnlyKeys("k2", "k3");
		assertThat(this.ledger.lost(converged, FaultMesh.snapshots(mesh.slots()))).isEmpty();
	}

	/**
	 * A line a - b - c whose links deliver everything 50 ms late. Two clients write at
	 * both ends at once (shared keys, so writes cross in flight), and one delete on a and
	 * one set on c of the same key are made to cross within one second: the replicas
	 * still converge without any reconnect, and keep every acknowledged write.
	 */
	@Test
	void slowLinksShouldStillConvergeWithCrossingWrites() {
		FaultMesh mesh = mesh();
		Slot a = mesh.node("a");
		Slot b = mesh.node("b");
		Slot c = mesh.node("c");
		Link ab = mesh.link(a, b);
		Link bc = mesh.link(b, c);
		mesh.start();
		ab.proxy().delay(Duration.ofMillis(50));
		bc.proxy().delay(Duration.ofMillis(50));

		// a write from a reaches c through two slow hops
		long sent = System.nanoTime();
		write(a, WriteStream.Write.set("probe", "p"));
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> c.node().snapshot().entries().containsKey("probe"));
		assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(Duration.ofMillis(100));

		WriteStream fromA = closeLater(new WriteStream("client-a", a::node, this.ledger, (i) -> switch (i % 4) {
			case 0, 1 -> WriteStream.Write.set("s" + (i % 10), "a" + i);
			case 2 -> WriteStream.Write.delta("da", Map.of("f" + (i % 7), i));
			default -> WriteStream.Write.delete("s" + ((i + 3) % 10));
		})).start();
		WriteStream fromC = closeLater(new WriteStream("client-c", c::node, this.ledger, (i) -> switch (i % 3) {
			case 0, 1 -> WriteStream.Write.set("s" + (i % 10), "c" + i);
			default -> WriteStream.Write.delta("dc", Map.of("g" + (i % 5), i));
		})).start();
		fromA.awaitMoreAcks(300, WAIT);
		fromC.awaitMoreAcks(300, WAIT);
		fromA.close();
		fromC.close();

		// a delete on one end and a set (then a delta) on the other end of one key, in
		// the same second, crossing on the slow links. The setter has the larger id, so
		// when the delete reaches it the lease predicate applies it (same second, the
		// smaller id wins, PROTOCOL.md §7.4 rule 5); the deleter must then not let the
		// set resurrect the key, or the replicas disagree for good.
		Slot deleter = (a.node().id().compareTo(c.node().id()) < 0) ? a : c;
		Slot setter = (deleter == a) ? c : a;
		String crossed = crossInOneSecond(mesh, b, deleter, setter, (key) -> WriteStream.Write.set(key, "set"));
		String crossedDelta = crossInOneSecond(mesh, b, deleter, setter,
				(key) -> WriteStream.Write.delta(key, Map.of("d", 1)));

		Snapshot converged = mesh.awaitIdentical();
		assertThat(converged.entries()).doesNotContainKeys(crossed, crossedDelta);
		assertThat(this.ledger.lost(converged, FaultMesh.snapshots(mesh.slots()))).isEmpty();
		assertThat(ab.proxy().isDegraded()).isTrue();
	}

	/**
	 * On a fresh key that {@code third} wrote in an earlier second (so neither end bumps
	 * its timestamp past the other's), deletes on {@code deleter} and writes on
	 * {@code setter} right after: both acknowledged in one second, before either has
	 * heard of the other.
	 * @return the key used
	 */
	private String crossInOneSecond(FaultMesh mesh, Slot third, Slot deleter, Slot setter,
			java.util.function.Function<String, WriteStream.Write> write) {
		for (int attempt = 0; attempt < 5; attempt++) {
			String key = "cross-" + write.apply("k").kind() + "-" + attempt;
			long initial = write(third, WriteStream.Write.set(key, java.util.Map.of("initial", attempt))).path("result")
				.path("ts")
				.asLong();
			mesh.awaitIdentical();
			awaitSecondAfter(initial);
			JsonNode deleted = write(deleter, WriteStream.Write.delete(key));
			JsonNode written = write(setter, write.apply(key));
			if (deleted.path("result").path("ts").asLong() == written.path("result").path("ts").asLong()) {
				return key;
			}
		}
		throw new AssertionError("could not make a delete and a write share a second");
	}

	private JsonNode write(Slot slot, WriteStream.Write write) {
		FaultNode node = slot.node();
		JsonNode reply = switch (write.kind()) {
			case SET -> node.set(write.key(), write.value());
			case DELTA -> node.delta(write.key(), write.value());
			case DELETE -> node.del(write.key());
		};
		assertThat(reply.path("ok").asBoolean()).as("%s on %s: %s", write, slot, reply).isTrue();
		this.ledger.record(node.name(), write.kind(), write.key(), reply, (write.value() != null)
				? new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(write.value()) : null);
		return reply;
	}

	private static @Nullable String value(Snapshot snapshot, String key) {
		Version version = snapshot.entries().get(key);
		return (version != null && version.json() != null) ? version.json().asText() : null;
	}

	private static void awaitSecondAfter(long second) {
		await().atMost(Duration.ofSeconds(3)).until(() -> System.currentTimeMillis() / 1000 > second);
	}

	private <T extends AutoCloseable> T closeLater(T resource) {
		this.resources.add(resource);
		return resource;
	}

}
