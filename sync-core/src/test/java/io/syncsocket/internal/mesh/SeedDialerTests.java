package io.syncsocket.internal.mesh;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.syncsocket.LinkFault;
import io.syncsocket.MeshOptions;
import io.syncsocket.MeshSocket;
import io.syncsocket.Peer;
import io.syncsocket.TestResources;
import io.syncsocket.internal.transport.Transport;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SeedDialer} with a resolver whose records a test changes at will (the JDK caches
 * look-ups and reads its hosts file setting once per JVM; see {@code SeedResolutionTests}
 * for real look-ups in child JVMs). The node under test is assembled as
 * {@link MeshSocket} does, bound to 127.0.0.2; its peers are ordinary sockets on
 * 127.0.0.3 and 127.0.0.4.
 */
class SeedDialerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String NAME = "seeds.syncsocket.test";

	private final FakeResolver resolver = new FakeResolver();

	@RegisterExtension
	final TestResources resources = new TestResources();

	/** One port for every node of a test, each on its own address. */
	private final int port = freePort();

	@AfterEach
	void close() throws Exception {
		this.resolver.release.countDown();
	}

	@Test
	void everyAddressOfTheNameShouldBeDialedButThisNodesOwn() {
		MeshSocket b = peer("127.0.0.3", null);
		MeshSocket c = peer("127.0.0.4", null);
		this.resolver.records(NAME, "127.0.0.2", "127.0.0.3", "127.0.0.4");
		TestNode node = node(NAME);
		await().atMost(WAIT).untilAsserted(() -> assertThat(peerIds(node)).containsExactlyInAnyOrder(b.id(), c.id()));
		// its own address was skipped, not dialed
		assertThat(node.counters.snapshot(0, 0).faults(LinkFault.SELF_CONNECTION)).isZero();
		assertThat(this.resolver.lookUpsOnTheNodeLoop).hasValue(0);
	}

	@Test
	void nameResolvingToThisNodeOnlyShouldBeLookedUpAgainAndItsNewRecordsDialed() {
		MeshSocket b = peer("127.0.0.3", null);
		this.resolver.records(NAME, "127.0.0.2");
		TestNode node = node(NAME);
		await().atMost(WAIT).until(() -> this.resolver.lookUps(NAME) >= 3);
		assertThat(node.mesh.peers()).isEmpty();
		this.resolver.records(NAME, "127.0.0.2", "127.0.0.3");
		await().atMost(WAIT).untilAsserted(() -> assertThat(peerIds(node)).containsExactly(b.id()));
		assertThat(this.resolver.lookUpsOnTheNodeLoop).hasValue(0);
	}

	@Test
	void selfConnectionShouldBackOffThatAddressOnlyAndNeverDisableIt() {
		this.resolver.records(NAME, "127.0.0.4", "127.0.0.3");
		TestNode node = node(NAME);
		// a node with our id that advertises our address (as this node would, reached
		// through NAT or a proxy): dialing it is a self connection on both ends (with
		// another advertised address it would be a duplicate id: NodeIdentityTests)
		MeshSocket twin = peer("127.0.0.4", node.mesh.id(), "127.0.0.2:" + this.port);
		MeshSocket b = peer("127.0.0.3", null);
		await().atMost(WAIT).untilAsserted(() -> assertThat(peerIds(node)).containsExactly(b.id()));
		// the twin's address keeps being tried (with backoff): not given up for good
		await().atMost(WAIT).until(() -> twin.stats().faults(LinkFault.SELF_CONNECTION) >= 3);
		assertThat(peerIds(node)).containsExactly(b.id());
	}

	@Test
	void addressesOfTheLastAnswerShouldStillBeDialedWhileTheNameDoesNotResolve() {
		this.resolver.records(NAME, "127.0.0.3");
		TestNode node = node(NAME);
		await().atMost(WAIT).until(() -> this.resolver.lookUps(NAME) >= 1);
		// the name stops resolving; nobody listens at its last address yet
		this.resolver.records(NAME);
		int lookUps = this.resolver.lookUps(NAME);
		await().atMost(WAIT).until(() -> this.resolver.lookUps(NAME) >= lookUps + 2);
		MeshSocket b = peer("127.0.0.3", null);
		await().atMost(WAIT).untilAsserted(() -> assertThat(peerIds(node)).containsExactly(b.id()));
	}

	@Test
	void slowLookUpShouldHoldUpNeitherTheNodeNorOtherSeeds() {
		MeshSocket b = peer("127.0.0.3", null);
		this.resolver.blocking("slow.syncsocket.test");
		this.resolver.records(NAME, "127.0.0.3");
		TestNode node = node("slow.syncsocket.test", NAME);
		await().atMost(WAIT).until(() -> this.resolver.lookUps("slow.syncsocket.test") >= 1);
		// the look-up hangs: the node loop still serves calls, and the other seed is
		// joined
		assertThat(node.loop.call(() -> "served", Duration.ofSeconds(2))).isEqualTo("served");
		await().atMost(WAIT).untilAsserted(() -> assertThat(peerIds(node)).containsExactly(b.id()));
		assertThat(this.resolver.lookUps("slow.syncsocket.test")).isEqualTo(1);
	}

	private static int freePort() {
		try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
			return probe.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static List<String> peerIds(TestNode node) {
		return node.mesh.peers().stream().map(Peer::id).toList();
	}

	private MeshSocket peer(String bindAddress, @Nullable String nodeId) {
		return peer(bindAddress, nodeId, bindAddress + ":" + this.port);
	}

	private MeshSocket peer(String bindAddress, @Nullable String nodeId, String advertised) {
		MeshSocket socket = new MeshSocket(MeshOptions.builder()
			.bindAddress(bindAddress)
			.port(this.port)
			.outAddress(advertised)
			.nodeId(nodeId)
			.threads((threads) -> threads.nativeTransport(false))
			.build());
		this.resources.add(socket);
		return socket.start();
	}

	/**
	 * The node under test on 127.0.0.2, seeded with the names given, on the shared port.
	 */
	private TestNode node(String... names) {
		List<String> seeds = new ArrayList<>();
		for (String name : names) {
			seeds.add(name + ":" + this.port);
		}
		TestNode node = new TestNode(MeshOptions.builder()
			.name("seed-test")
			.bindAddress("127.0.0.2")
			.port(this.port)
			.seeds(seeds.toArray(String[]::new))
			.seeding((seeding) -> seeding.retry(Duration.ofMillis(50), Duration.ofMillis(200)))
			.threads((threads) -> threads.nativeTransport(false))
			.build(), this.resolver);
		this.resources.add(node);
		this.resolver.loop = node.loop;
		return node;
	}

	/**
	 * Records per name, changeable at any time; counts look-ups and notes any made on the
	 * node loop.
	 */
	private static final class FakeResolver implements SeedLookups.Resolver {

		final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> lookUps = new ConcurrentHashMap<>();

		final List<String> blocking = new CopyOnWriteArrayList<>();

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger lookUpsOnTheNodeLoop = new AtomicInteger();

		volatile @Nullable NodeLoop loop;

		void records(String name, String... addresses) {
			List<InetAddress> parsed = new ArrayList<>();
			for (String address : addresses) {
				try {
					parsed.add(InetAddress.getByName(address));
				}
				catch (UnknownHostException ex) {
					throw new IllegalArgumentException(address, ex);
				}
			}
			this.records.put(name, List.copyOf(parsed));
		}

		void blocking(String name) {
			this.blocking.add(name);
		}

		int lookUps(String name) {
			AtomicInteger count = this.lookUps.get(name);
			return (count != null) ? count.get() : 0;
		}

		@Override
		public InetAddress[] resolve(String host) throws UnknownHostException {
			NodeLoop loop = this.loop;
			if (loop != null && loop.inLoop()) {
				this.lookUpsOnTheNodeLoop.incrementAndGet();
			}
			if (!this.records.containsKey(host) && !this.blocking.contains(host)) {
				// address literals (the advertised address)
				return InetAddress.getAllByName(host);
			}
			this.lookUps.computeIfAbsent(host, (name) -> new AtomicInteger()).incrementAndGet();
			if (this.blocking.contains(host)) {
				try {
					// a DNS server that does not answer (bounded: released when the test
					// ends)
					this.release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				throw new UnknownHostException(host);
			}
			List<InetAddress> addresses = this.records.get(host);
			if (addresses == null || addresses.isEmpty()) {
				throw new UnknownHostException(host);
			}
			return addresses.toArray(InetAddress[]::new);
		}

	}

	/**
	 * A {@link MeshNode} with its loop and transport, assembled as
	 * {@link MeshSocket#start()} does.
	 */
	private static final class TestNode implements AutoCloseable {

		final NodeLoop loop;

		final Transport transport;

		final MeshCounters counters = new MeshCounters();

		final MeshNode mesh;

		TestNode(MeshOptions options, SeedLookups.Resolver resolver) {
			Transport[] transportRef = new Transport[1];
			this.loop = new NodeLoop("seed-test-node", () -> transportRef[0] != null && transportRef[0].isIoThread());
			this.transport = new Transport(new Transport.Settings(options.limits().maxFrameLength(),
					options.timeouts().stall(), options.timeouts().connect(), 1, null, false, "seed-test",
					options.limits().maxInboundLinks(), options.limits().maxLinksPerAddress(),
					options.limits().maxQueuedBytesPerLink(), null));
			transportRef[0] = this.transport;
			InetSocketAddress bound = this.transport.bind(options.bindAddress(), options.port());
			this.mesh = new MeshNode(options, "seed-test-" + bound.getPort(), options.protocol().id(),
					options.bindAddress(), bound.getPort(), this.loop, this.counters, new CopyOnWriteArrayList<>(),
					new CopyOnWriteArrayList<>(), (theirs) -> "another protocol");
			this.mesh.transport(this.transport);
			this.transport.listener(this.mesh);
			this.mesh.seedResolver(resolver);
			this.mesh.startSeeds(bound);
		}

		@Override
		public void close() throws Exception {
			this.loop.submit(() -> {
				this.mesh.closeAll();
				return null;
			}).get(5, TimeUnit.SECONDS);
			this.transport.close(Duration.ofSeconds(5));
			this.loop.shutdown(Duration.ofSeconds(5));
		}

	}

}
