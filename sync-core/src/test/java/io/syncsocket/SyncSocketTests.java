package io.syncsocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static io.syncsocket.TestSockets.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * SyncSocket API and replication between Java nodes over loopback TCP.
 */
class SyncSocketTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<SyncSocket> sockets = new ArrayList<>();

	@AfterEach
	void closeSockets() {
		this.sockets.forEach(SyncSocket::close);
	}

	private final MutableClock clock = MutableClock.atNow();

	private SyncSocket start(Leasing leasing) {
		SyncSocket socket = new SyncSocket(
				SyncOptions.builder().leasing(leasing).mesh((mesh) -> mesh.clock(this.clock)).build());
		this.sockets.add(socket);
		return socket.start();
	}

	@Test
	void seedApiShouldTakeKeysAsBytesToo() {
		SyncSocket a = start(Leasing.ON);
		SyncSocket b = start(Leasing.ON);
		link(a, b);
		byte[] binary = { (byte) 0xff, 0, 1 };
		byte[] text = "k".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		a.set(binary, "v");
		assertThat(a.containsKey(binary)).isTrue();
		assertThat(a.get(binary, "fallback")).isEqualTo("v");
		assertThat(a.applyDelta(text, Map.of("f", 1L))).isEqualTo(Map.of("f", 1L));
		assertThat(a.get("k")).as("a text key is its UTF-8 bytes").isEqualTo(Map.of("f", 1L));
		await().atMost(Duration.ofSeconds(10)).until(() -> b.containsKey(binary) && b.containsKey(text));
		assertThat(b.meta(binary)).isEqualTo(a.meta(binary));
		assertThat(a.pop(binary)).isEqualTo("v");
		assertThat(a.pop(binary, "gone")).isEqualTo("gone");
		assertThat(a.get(binary, "fallback")).isEqualTo("fallback");
		assertThatExceptionOfType(java.util.NoSuchElementException.class).isThrownBy(() -> a.pop(binary))
			.withMessageContaining("ff0001");
		await().atMost(Duration.ofSeconds(10)).until(() -> !b.containsKey(binary));
		assertThat(a.pop(text, null)).isEqualTo(Map.of("f", 1L));
	}

	@Test
	void setShouldReplicateWithTypesAndMeta() {
		SyncSocket a = start(Leasing.ON);
		SyncSocket b = start(Leasing.ON);
		link(a, b);
		a.set("s", "text");
		a.set("b", new byte[] { 1, 2, 3 });
		a.set("i", 42);
		a.set("zero", 0);
		a.set("f", 3.5);
		a.set("t", false);
		a.set("l", List.of(1, "a"));
		a.set("m", Map.of("x", 1));
		await().atMost(WAIT).until(() -> b.size() == 8);
		assertThat(b.get("s")).isEqualTo("text");
		assertThat(b.getBytes("b")).containsExactly(1, 2, 3);
		assertThat(b.get("i")).isEqualTo(42L);
		assertThat(b.get("zero")).isEqualTo(0L);
		assertThat(b.get("f")).isEqualTo(3.5);
		assertThat(b.get("t")).isEqualTo(false);
		assertThat(b.getList("l")).containsExactly(1L, "a");
		assertThat(b.getMap("m")).containsEntry("x", 1L);
		assertThat(b.meta("s").owner()).isEqualTo(a.id());
		assertThat(b.meta("s")).isEqualTo(a.meta("s"));
	}

	@Test
	void leaseShouldHoldAcrossNodes() {
		SyncSocket a = start(Leasing.ON);
		SyncSocket b = start(Leasing.ON);
		link(a, b);
		a.set("k", "mine");
		await().atMost(WAIT).until(() -> "mine".equals(b.get("k")));
		this.clock.advance(Duration.ofSeconds(10));
		assertThatExceptionOfType(LeaseHeldException.class).isThrownBy(() -> b.set("k", "yours")).satisfies((ex) -> {
			assertThat(ex.key()).isEqualTo("k");
			assertThat(ex.owner()).isEqualTo(a.id());
		});
		assertThat(b.get("k")).isEqualTo("mine");
		this.clock.advance(Duration.ofSeconds(3600));
		b.set("k", "yours");
		await().atMost(WAIT).until(() -> "yours".equals(a.get("k")));
		assertThat(a.meta("k").owner()).isEqualTo(b.id());
	}

	@Test
	void repeatedWritesInOneSecondShouldAllArrive() {
		SyncSocket a = start(Leasing.ON);
		SyncSocket b = start(Leasing.ON);
		link(a, b);
		List<Object> seen = new CopyOnWriteArrayList<>();
		b.addSyncListener(new SyncListener() {
			@Override
			public void onUpdate(SyncEvent event) {
				seen.add(event.value());
			}
		});
		a.set("k", "v1");
		a.set("k", "v2");
		a.set("k", "v1");
		await().atMost(WAIT).until(() -> seen.size() == 3);
		assertThat(seen).containsExactly("v1", "v2", "v1");
		assertThat(b.get("k")).isEqualTo("v1");
	}

	@Test
	void deleteShouldReplicateAndStick() {
		SyncSocket a = start(Leasing.ON);
		SyncSocket b = start(Leasing.ON);
		link(a, b);
		a.set("k", "v");
		await().atMost(WAIT).until(() -> b.containsKey("k"));
		a.del("k");
		await().atMost(WAIT).until(() -> !b.containsKey("k"));
		a.del("absent");
		assertThat(a.get("k")).isNull();
	}

	@Test
	void applyDeltaShouldMerge() {
		SyncSocket a = start(Leasing.ON);
		SyncSocket b = start(Leasing.ON);
		link(a, b);
		a.applyDelta("m", Map.of("x", 1));
		a.applyDelta("m", Map.of("y", "two"));
		await().atMost(WAIT).until(() -> b.getMap("m") != null && b.getMap("m").size() == 2);
		assertThat(b.getMap("m")).containsEntry("x", 1L).containsEntry("y", "two");
		a.set("s", "text");
		assertThatExceptionOfType(ValueTypeException.class).isThrownBy(() -> a.applyDelta("s", Map.of("x", 1)));
	}

	@Test
	void lateJoinerShouldReceiveEverything() {
		SyncSocket a = start(Leasing.ON);
		for (int i = 0; i < 100; i++) {
			a.set("k" + i, i);
		}
		SyncSocket b = start(Leasing.ON);
		link(b, a);
		await().atMost(WAIT).until(() -> b.size() == 100);
		assertThat(b.get("k42")).isEqualTo(42L);
		assertThat(b.meta("k42")).isEqualTo(a.meta("k42"));
	}

	@Test
	void concurrentCallersShouldAlwaysReadTheirOwnWrites() throws Exception {
		SyncSocket a = start(Leasing.ON);
		SyncSocket b = start(Leasing.ON);
		link(a, b);
		int threads = 8;
		int writes = 150;
		java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads + 1);
		try {
			List<java.util.concurrent.Future<?>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				results.add(pool.submit(() -> {
					for (int i = 0; i < writes; i++) {
						String key = "t" + thread + "-" + (i % 10);
						a.set(key, i);
						assertThat(a.get(key)).isEqualTo((long) i);
						a.applyDelta("shared-" + thread, Map.of("n", i));
						assertThat(a.getMap("shared-" + thread)).containsEntry("n", (long) i);
					}
					return null;
				}));
			}
			// snapshots stay safe to iterate while the map changes underneath
			results.add(pool.submit(() -> {
				for (int i = 0; i < 200; i++) {
					for (SyncEntry entry : a.items()) {
						assertThat(entry.value()).isNotNull();
					}
					assertThat(a.keys().size()).isLessThanOrEqualTo(threads * 11);
				}
				return null;
			}));
			for (java.util.concurrent.Future<?> result : results) {
				result.get(60, java.util.concurrent.TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(a.size()).isEqualTo(threads * 11);
		TestSockets.awaitIdentical(List.of(a, b));
	}

	@Test
	void aThrowingListenerShouldNeitherBreakTheNodeNorStarveOtherListeners() {
		SyncSocket a = start(Leasing.ON);
		SyncSocket b = start(Leasing.ON);
		link(a, b);
		List<String> seen = new CopyOnWriteArrayList<>();
		b.addSyncListener(new SyncListener() {
			@Override
			public void onUpdate(SyncEvent event) {
				throw new IllegalStateException("listener bug");
			}
		});
		b.addSyncListener(new SyncListener() {
			@Override
			public void onUpdate(SyncEvent event) {
				seen.add(event.key());
			}
		});
		a.set("one", 1);
		a.set("two", 2);
		await().atMost(WAIT).until(() -> seen.size() == 2);
		assertThat(seen).containsExactly("one", "two");
		b.set("three", 3);
		await().atMost(WAIT).until(() -> a.containsKey("three"));
		assertThat(b.stats().linkErrors()).isZero();
	}

	@Test
	void racingWritesShouldNeverStampMoreThanASecondAheadOfTheClock() {
		SyncSocket a = start(Leasing.OFF);
		SyncSocket b = start(Leasing.OFF);
		link(a, b);
		long now = this.clock.instant().getEpochSecond();
		int refused = 0;
		for (int i = 0; i < 20; i++) {
			SyncSocket writer = (i % 2 == 0) ? a : b;
			SyncSocket other = (writer == a) ? b : a;
			try {
				writer.set("hot", "v" + i);
				int round = i;
				await().atMost(WAIT).until(() -> ("v" + round).equals(other.get("hot")));
			}
			catch (WriteConflictException ex) {
				refused++;
				assertThat(ex.timestamp()).isGreaterThan(now);
			}
			assertThat(a.meta("hot").timestamp()).isLessThanOrEqualTo(now + 1);
		}
		// within one second, alternating writers win by id or by one second ahead; then
		// they are refused
		assertThat(refused).isPositive();
		TestSockets.awaitIdentical(List.of(a, b));
	}

	@Test
	void theSameValueWrittenAgainInOneSecondShouldNotMoveTheTimestamp() {
		SyncSocket a = start(Leasing.ON);
		long now = this.clock.instant().getEpochSecond();
		for (int i = 0; i < 50; i++) {
			a.set("heartbeat", true);
		}
		assertThat(a.meta("heartbeat").timestamp()).isEqualTo(now);
	}

}
