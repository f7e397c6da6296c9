package io.syncsocket.faults;

import java.time.Duration;
import java.util.List;

import io.syncsocket.Leasing;
import io.syncsocket.MutableClock;
import io.syncsocket.Peer;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.TestResources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The protocol's live rules can leave connected nodes holding different versions for
 * good: under leases, two nodes claiming a free key in the same instant each refuse the
 * other's write. Anti-entropy (digests compared each round, full state asked for when
 * they stay different) must make them converge over the same link, with no reconnect.
 */
@Tag("slow")
class AntiEntropyTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final Duration IN_FLIGHT = Duration.ofMillis(400);

	@RegisterExtension
	final TestResources resources = new TestResources();

	@Test
	void nodesClaimingAFreeKeyAtOnceShouldConvergeWithoutReconnecting() {
		MutableClock clock = MutableClock.atNow();
		SyncSocket a = start(clock, Duration.ofMillis(200));
		SyncSocket b = start(clock, Duration.ofMillis(200));
		List<Peer> linked = claimAtOnce(clock, a, b);

		await().atMost(WAIT).untilAsserted(() -> assertThat(b.get("claimed")).isEqualTo(a.get("claimed")));
		// the newer claim wins, as a state transfer would decide
		assertThat(a.get("claimed")).isEqualTo("b");
		assertThat(a.meta("claimed")).isEqualTo(b.meta("claimed"));
		assertThat(a.syncStats().repairs() + b.syncStats().repairs()).isPositive();
		assertThat(a.peers()).as("the same link, no reconnect").isEqualTo(linked);
	}

	@Test
	void withoutAntiEntropyTheClaimsStayDifferent() {
		MutableClock clock = MutableClock.atNow();
		SyncSocket a = start(clock, Duration.ZERO);
		SyncSocket b = start(clock, Duration.ZERO);
		claimAtOnce(clock, a, b);
		// what the test above repairs: without digests, nothing does
		await().during(Duration.ofSeconds(2))
			.atMost(WAIT)
			.untilAsserted(() -> assertThat(a.get("claimed")).isEqualTo("a"));
		assertThat(b.get("claimed")).isEqualTo("b");
		assertThat(a.syncStats().repairs() + b.syncStats().repairs()).isZero();
	}

	/**
	 * A and B, linked through a proxy that holds bytes for a while, write one key one
	 * second apart.
	 */
	private List<Peer> claimAtOnce(MutableClock clock, SyncSocket a, SyncSocket b) {
		ToxicProxy proxy = ToxicProxy.to("slow", b.boundAddress().getPort());
		this.resources.add(proxy);
		a.connect(FaultNode.HOST, proxy.port());
		await().atMost(WAIT).until(() -> b.peers().size() == 1 && a.initialSyncComplete() && b.initialSyncComplete());
		List<Peer> linked = a.peers();
		proxy.delay(IN_FLIGHT);
		a.set("claimed", "a");
		clock.advance(Duration.ofSeconds(1));
		b.set("claimed", "b");
		// both writes crossed in flight: each node refused the other's (the key is leased
		// by its writer)
		await().atMost(WAIT).until(() -> a.syncStats().leaseRejections() == 1 && b.syncStats().leaseRejections() == 1);
		proxy.pass();
		return linked;
	}

	private SyncSocket start(MutableClock clock, Duration antiEntropy) {
		SyncSocket socket = new SyncSocket(SyncOptions.builder()
			.leasing(Leasing.ON)
			.antiEntropyInterval(antiEntropy)
			.mesh((mesh) -> mesh.clock(clock).maxOutgoing(0))
			.build());
		this.resources.add(socket);
		return socket.start();
	}

}
