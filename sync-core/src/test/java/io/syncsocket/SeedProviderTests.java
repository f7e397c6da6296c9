package io.syncsocket;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link SeedProvider} whose answer changes while the socket runs (a service registry):
 * new instances are dialed, the node's own address is skipped, a failing provider is
 * asked again.
 */
class SeedProviderTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final TestResources resources = new TestResources();

	private MeshSocket start() {
		return start(MeshOptions.builder().build());
	}

	private MeshSocket start(MeshOptions options) {
		return this.resources.add(new MeshSocket(options)).start();
	}

	private MeshSocket startWith(SeedProvider provider) {
		return start(MeshOptions.builder()
			.seeding((seeding) -> seeding.provider(provider).retry(Duration.ofMillis(50), Duration.ofMillis(200)))
			.maxOutgoing(0) // only the provider's seeds: peer lists are not followed
			.build());
	}

	private static InetSocketAddress address(MeshSocket socket) {
		return InetSocketAddress.createUnresolved("127.0.0.1", socket.boundAddress().getPort());
	}

	private static boolean linked(MeshSocket from, MeshSocket to) {
		return from.peers().stream().anyMatch((peer) -> peer.id().equals(to.id()));
	}

	@Test
	void instancesThatAppearLaterShouldBeDialed() {
		MeshSocket a = start();
		MeshSocket b = start();
		MeshSocket c = start();
		AtomicReference<List<InetSocketAddress>> registry = new AtomicReference<>(List.of(address(a)));
		MeshSocket node = startWith(registry::get);
		await().atMost(WAIT).until(() -> linked(node, a));
		assertThat(linked(node, b)).isFalse();
		registry.set(List.of(address(a), address(b), address(c)));
		await().atMost(WAIT).until(() -> linked(node, b) && linked(node, c));
		assertThat(node.peers()).hasSize(3);
	}

	@Test
	void theNodesOwnAddressShouldBeSkipped() {
		MeshSocket a = start();
		AtomicReference<InetSocketAddress> own = new AtomicReference<>();
		AtomicInteger asked = new AtomicInteger();
		MeshSocket node = startWith(() -> {
			asked.incrementAndGet();
			InetSocketAddress self = own.get();
			return (self != null) ? List.of(self, address(a)) : List.of(address(a));
		});
		own.set(address(node));
		int before = asked.get();
		await().atMost(WAIT).until(() -> asked.get() >= before + 3 && linked(node, a));
		assertThat(node.stats().faults(LinkFault.SELF_CONNECTION)).isZero();
		assertThat(node.peers()).hasSize(1);
	}

	@Test
	void aProviderThatFailsShouldBeAskedAgain() {
		MeshSocket a = start();
		AtomicInteger calls = new AtomicInteger();
		MeshSocket node = startWith(() -> {
			if (calls.incrementAndGet() <= 2) {
				throw new IllegalStateException("registry not reachable yet");
			}
			return List.of(address(a));
		});
		await().atMost(WAIT).until(() -> linked(node, a));
		assertThat(calls.get()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void namesFromTheProviderShouldBeResolved() {
		MeshSocket a = start();
		MeshSocket node = startWith(
				() -> List.of(InetSocketAddress.createUnresolved("localhost", a.boundAddress().getPort()),
						InetSocketAddress.createUnresolved("no-such-host.invalid", 4444)));
		await().atMost(WAIT).until(() -> linked(node, a));
	}

}
