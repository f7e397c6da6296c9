package io.syncsocket.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncsocket.Leasing;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.TestResources;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A seed whose connections are reset right after they are accepted (a cut link, a node
 * that is going down) must be re-dialed for as long as that lasts, and joined as soon as
 * it heals. In-process nodes (the proxy is what matters), so hundreds of dials race the
 * reset: a dial whose connect callback reached the node loop after the link had already
 * closed used to stay pending forever, and its seed was never dialed again.
 */
@Tag("slow")
class SeedRedialTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	final TestResources resources = new TestResources();

	@Test
	void seedsShouldBeRedialedWhileTheirConnectionsAreResetAndJoinedOnceHealed() {
		SyncSocket target = start(new SyncSocket(SyncOptions.builder().leasing(Leasing.OFF).build()));
		List<ToxicProxy> proxies = new ArrayList<>();
		List<String> seeds = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			ToxicProxy proxy = ToxicProxy.to("seed" + i, target.boundAddress().getPort()).cut();
			this.resources.add(proxy);
			proxies.add(proxy);
			seeds.add(FaultNode.HOST + ":" + proxy.port());
		}
		SyncSocket dialer = start(new SyncSocket(SyncOptions.builder()
			.leasing(Leasing.OFF)
			.mesh((mesh) -> mesh.seeds(seeds.toArray(String[]::new))
				.seeding((seeding) -> seeding.retry(Duration.ofMillis(5), Duration.ofMillis(10)))
				.maxOutgoing(0))
			.build()));
		// every dial connects and is reset at once (each seed about four times a second);
		// with the CPUs busy, callbacks are delayed as on a loaded host; after several
		// hundred dials every seed must still be dialed
		try (CpuContention contention = new CpuContention(2 * Runtime.getRuntime().availableProcessors())) {
			await().atMost(WAIT).until(() -> proxies.stream().mapToLong(ToxicProxy::accepted).sum() >= 800);
			long[] before = proxies.stream().mapToLong(ToxicProxy::accepted).toArray();
			await().atMost(WAIT).untilAsserted(() -> {
				List<String> stuck = new ArrayList<>();
				for (int i = 0; i < proxies.size(); i++) {
					if (proxies.get(i).accepted() <= before[i] + 2) {
						stuck.add(proxies.get(i) + " (" + proxies.get(i).accepted() + " dials)");
					}
				}
				assertThat(stuck).as("seeds no longer dialed").isEmpty();
			});
		}
		proxies.forEach(ToxicProxy::heal);
		await().atMost(WAIT).until(() -> dialer.peers().stream().anyMatch((peer) -> peer.id().equals(target.id())));
	}

	/** Busy threads that keep every CPU contended until closed. */
	private static final class CpuContention implements AutoCloseable {

		private volatile boolean running = true;

		private final List<Thread> threads = new ArrayList<>();

		CpuContention(int threads) {
			for (int i = 0; i < threads; i++) {
				Thread thread = new Thread(() -> {
					long sink = 0;
					while (this.running) {
						sink += System.nanoTime() % 7;
					}
					if (sink == 42) {
						System.out.print("");
					}
				}, "cpu-contention-" + i);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
			}
		}

		@Override
		public void close() {
			this.running = false;
			for (Thread thread : this.threads) {
				try {
					thread.join(1000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

	private SyncSocket start(SyncSocket socket) {
		this.resources.add(socket);
		return socket.start();
	}

}
