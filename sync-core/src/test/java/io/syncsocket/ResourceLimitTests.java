package io.syncsocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The limits that keep a node's resources bounded against misbehaving peers: inbound
 * links in total and per address, bytes queued for a peer that stops reading, the seen
 * set and tombstones. Each limit is hit for real over loopback TCP.
 */
class ResourceLimitTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	final TestResources resources = new TestResources();

	private <T extends AutoCloseable> T track(T resource) {
		this.resources.add(resource);
		return resource;
	}

	private MeshSocket mesh(MeshOptions options) {
		return track(new MeshSocket(options)).start();
	}

	@Test
	void connectionsBeyondTheInboundLimitShouldBeRefused() throws IOException {
		MeshSocket node = mesh(
				MeshOptions.builder().limits((limits) -> limits.maxInboundLinks(2)).maxOutgoing(0).build());
		RawPeer first = track(RawPeer.connect(node));
		RawPeer second = track(RawPeer.connect(node));
		Socket third = track(plainSocket(node));
		assertClosedByPeer(third);
		assertThat(node.stats().faults(LinkFault.CONNECTION_LIMIT)).isEqualTo(1);
		// the admitted links are unharmed, and a slot frees up when one closes
		first.handshake(node);
		await().atMost(WAIT).until(() -> node.peers().size() == 1);
		second.close();
		await().atMost(WAIT).untilAsserted(() -> {
			try (RawPeer again = RawPeer.connect(node)) {
				again.handshake(node);
			}
		});
	}

	@Test
	void connectionsBeyondThePerAddressLimitShouldBeRefused() throws IOException {
		MeshSocket node = mesh(
				MeshOptions.builder().limits((limits) -> limits.maxLinksPerAddress(1)).maxOutgoing(0).build());
		RawPeer admitted = track(RawPeer.connect(node));
		Socket refused = track(plainSocket(node));
		assertClosedByPeer(refused);
		assertThat(node.stats().faults(LinkFault.CONNECTION_LIMIT)).isEqualTo(1);
		admitted.handshake(node);
		await().atMost(WAIT).until(() -> node.peers().size() == 1);
	}

	@Test
	void aPeerThatStopsReadingShouldBeDroppedWhileOthersKeepReceiving() throws IOException {
		int cap = 256 * 1024;
		MeshSocket node = mesh(MeshOptions.builder()
			.limits((limits) -> limits.maxQueuedBytesPerLink(cap).maxFrameLength(128 * 1024))
			.maxOutgoing(0)
			.build());
		MeshSocket good = mesh(MeshOptions.builder().maxOutgoing(0).build());
		good.connect("127.0.0.1", node.boundAddress().getPort());
		RawPeer stalled = track(RawPeer.connect(node, 16 * 1024));
		stalled.handshake(node);
		await().atMost(WAIT).until(() -> node.peers().size() == 2);
		AtomicInteger received = new AtomicInteger();
		good.addMessageListener((message) -> received.incrementAndGet());

		// A steady stream of 64 KiB broadcasts of incompressible data, paced by the good
		// peer (at most 2 in flight, so its queue stays far below the cap), 12.5 MiB in
		// all: far more than the stalled peer's small, fixed kernel buffers and the cap
		// hold.
		Random random = new Random(42);
		int messages = 200;
		for (int i = 0; i < messages; i++) {
			byte[] payload = new byte[64 * 1024];
			random.nextBytes(payload);
			node.send(i, payload);
			int sent = i + 1;
			await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> received.get() >= sent - 2);
		}
		await().atMost(WAIT).until(() -> node.stats().faults(LinkFault.SLOW_PEER) == 1);
		await().atMost(WAIT).until(() -> node.peers().size() == 1);
		assertThat(node.peers().get(0).id()).isEqualTo(good.id());
		await().atMost(WAIT).until(() -> received.get() == messages);
		assertThat(node.stats().linkErrors()).isEqualTo(1);
	}

	@Test
	void tombstonesBeyondTheCapShouldBeForgottenOldestFirst() {
		MutableClock clock = MutableClock.atNow();
		SyncSocket node = track(
				new SyncSocket(SyncOptions.builder().maxTombstones(10).mesh((mesh) -> mesh.clock(clock)).build()))
			.start();
		for (int i = 0; i < 50; i++) {
			node.set("k" + i, i);
		}
		for (int i = 0; i < 50; i++) {
			clock.advance(Duration.ofSeconds(1));
			node.del("k" + i);
		}
		assertThat(node.syncStats().tombstones()).isLessThanOrEqualTo(10).isPositive();
		assertThat(node.syncStats().deletes()).isEqualTo(50);
	}

	private static Socket plainSocket(MeshSocket node) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", node.boundAddress().getPort()), 5000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	/**
	 * The node closes the connection at once: the read ends (EOF or reset) well within
	 * the timeout.
	 */
	private static void assertClosedByPeer(Socket socket) throws IOException {
		try {
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		catch (java.net.SocketException ex) {
			assertThat(ex.getMessage()).containsIgnoringCase("reset");
		}
	}

}
