package io.syncsocket;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

import io.syncsocket.internal.wire.Base58;
import io.syncsocket.internal.wire.Ids;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.syncsocket.TestSockets.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Node ids across restarts: a node name gives a restarted node its id back, and with it
 * its leases; two live nodes with one id are refused on both sides.
 */
class NodeIdentityTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final TestResources resources = new TestResources();

	// Lease checks in one second tie-break on the owner id (PROTOCOL.md §7.4, rule 5);
	// the
	// test moves the clock past the writer's second before it expects a refusal.
	private final MutableClock clock = MutableClock.atNow();

	private SyncSocket start(int port, String nodeName) {
		return start(
				SyncOptions.builder().mesh((mesh) -> mesh.port(port).nodeName(nodeName).clock(this.clock)).build());
	}

	private SyncSocket start(SyncOptions options) {
		return this.resources.add(new SyncSocket(options)).start();
	}

	@Test
	void nodeNameShouldGiveTheSameIdAtTheSameAddressAndOtherIdsElsewhere() {
		SyncSocket first = start(0, "orders");
		int port = first.boundAddress().getPort();
		String id = first.id();
		first.close();
		SyncSocket again = start(port, "orders");
		SyncSocket elsewhere = start(0, "orders");
		SyncSocket otherName = start(0, "billing");
		SyncSocket unnamed = start(SyncOptions.builder().build());
		assertThat(again.id()).isEqualTo(id);
		assertThat(elsewhere.id()).isNotEqualTo(id);
		assertThat(otherName.id()).isNotIn(id, elsewhere.id());
		// ids keep js2p's shape: base58 of a SHA-384 value (README "Node identity"), most
		// often 65 or 66 characters, shorter for a small hash (about 1 in 500 are 64)
		assertThat(again.id()).isEqualTo(Ids.nodeId("127.0.0.1", port, again.protocolId(), "name:orders"));
		assertThat(Base58.decode(again.id()).bitLength()).isLessThanOrEqualTo(384);
		assertThat(unnamed.id()).isNotIn(id, elsewhere.id(), otherName.id());
	}

	@Test
	void restartedNodeWithItsNameShouldRewriteItsLeasedKeysAtOnceWhileOthersStillCannot() {
		SyncSocket writer = start(0, "flags");
		int port = writer.boundAddress().getPort();
		SyncSocket peer = start(0, "flags");
		link(writer, peer);
		writer.set("feature.x", "on");
		await().atMost(WAIT).until(() -> "on".equals(peer.get("feature.x")));
		String writerId = writer.id();
		writer.close();
		await().atMost(WAIT).until(() -> peer.peers().isEmpty());

		SyncSocket restarted = start(port, "flags");
		link(restarted, peer);
		await().atMost(WAIT).until(() -> restarted.meta("feature.x") != null);
		assertThat(restarted.id()).isEqualTo(writerId);
		restarted.set("feature.x", "off");
		await().atMost(WAIT).until(() -> "off".equals(peer.get("feature.x")));

		// The lease still holds against every other node ...
		this.clock.advance(Duration.ofSeconds(2));
		assertThatExceptionOfType(LeaseHeldException.class).isThrownBy(() -> peer.set("feature.x", "peer"));
		// ... including one restarted at that address without the name (a new random id).
		restarted.close();
		await().atMost(WAIT).until(() -> peer.peers().isEmpty());
		SyncSocket stranger = start(SyncOptions.builder().mesh((mesh) -> mesh.port(port).clock(this.clock)).build());
		link(stranger, peer);
		await().atMost(WAIT).until(() -> stranger.meta("feature.x") != null);
		assertThatExceptionOfType(LeaseHeldException.class).isThrownBy(() -> stranger.set("feature.x", "stranger"));
		assertThat(peer.get("feature.x")).isEqualTo("off");
	}

	@Test
	void twoLiveNodesWithOneIdShouldBeRefusedOnBothSides() {
		SyncSocket a = start(SyncOptions.builder().mesh((mesh) -> mesh.nodeId("same-id")).build());
		SyncSocket b = start(SyncOptions.builder().mesh((mesh) -> mesh.nodeId("same-id")).build());
		String bAddress = "127.0.0.1:" + b.boundAddress().getPort();
		assertThat(a.connectAsync("127.0.0.1", b.boundAddress().getPort())).failsWithin(WAIT)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(DuplicateNodeIdException.class)
			.withMessageContaining(bAddress)
			.withMessageContaining("must not share an id");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(b.stats().faults(LinkFault.DUPLICATE_NODE_ID)).isPositive());
		assertThat(a.stats().faults(LinkFault.DUPLICATE_NODE_ID)).isPositive();
		assertThat(a.stats().faults(LinkFault.SELF_CONNECTION)).isZero();
		assertThat(a.peers()).isEmpty();
		assertThat(b.peers()).isEmpty();
		// Not mistaken for ourselves: later dials are refused for the same reason again,
		// also when the refusal comes before the dial's connect callback (a race once
		// seen
		// as a bare "link closed").
		for (int i = 0; i < 30; i++) {
			assertThat(a.connectAsync("127.0.0.1", b.boundAddress().getPort())).failsWithin(WAIT)
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(DuplicateNodeIdException.class);
		}
	}

	@Test
	void nodeIdAndNodeNameShouldReplaceEachOther() {
		assertThat(MeshOptions.builder().nodeId("fixed").nodeName("orders").build())
			.satisfies((options) -> assertThat(options.nodeId()).isNull())
			.satisfies((options) -> assertThat(options.nodeName()).isEqualTo("orders"));
		assertThat(MeshOptions.builder().nodeName("orders").nodeId("fixed").build())
			.satisfies((options) -> assertThat(options.nodeId()).isEqualTo("fixed"))
			.satisfies((options) -> assertThat(options.nodeName()).isNull());
		assertThatIllegalArgumentException().isThrownBy(() -> MeshOptions.builder().nodeName(" "))
			.withMessageContaining("nodeName");
	}

}
