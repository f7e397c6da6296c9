package io.syncsocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.syncsocket.TestSockets.link;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two groups of Java nodes that were apart, each writing the same keys (sets, deltas and
 * deletes, with leases and time moving on), converge to identical dictionaries once one
 * link joins them. A randomized property test with fixed seeds.
 */
class ConvergenceTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int OPERATIONS = 120;

	private static final int KEYS = 12;

	private final List<SyncSocket> sockets = new ArrayList<>();

	@AfterEach
	void closeSockets() {
		this.sockets.forEach(SyncSocket::close);
	}

	static List<Arguments> seeds() {
		return List.of(Arguments.of(1L, Leasing.ON), Arguments.of(2L, Leasing.OFF), Arguments.of(3L, Leasing.ON),
				Arguments.of(4L, Leasing.JS2P_DEFAULT));
	}

	@ParameterizedTest(name = "seed {0}, leasing {1}")
	@MethodSource("seeds")
	void partitionedGroupsShouldConvergeAfterReconnecting(long seed, Leasing leasing) {
		Random random = new Random(seed);
		MutableClock clock = MutableClock.atNow();
		List<SyncSocket> left = List.of(start(clock, leasing), start(clock, leasing), start(clock, leasing));
		List<SyncSocket> right = List.of(start(clock, leasing), start(clock, leasing));
		link(left.get(1), left.get(0));
		link(left.get(2), left.get(1));
		link(right.get(1), right.get(0));
		int applied = 0;
		for (int i = 0; i < OPERATIONS; i++) {
			List<SyncSocket> group = random.nextBoolean() ? left : right;
			SyncSocket node = group.get(random.nextInt(group.size()));
			if (operate(node, random)) {
				applied++;
			}
			// each group is connected and settles before the next operation, as a quiet
			// app would
			TestSockets.awaitIdentical(group);
			int tick = random.nextInt(10);
			clock.advance(Duration.ofSeconds((tick == 0) ? 3700 : tick % 3));
		}
		assertThat(applied).as("operations that changed something").isGreaterThan(OPERATIONS / 3);
		Map<String, String> leftFinal = TestSockets.snapshot(left.get(0));
		Map<String, String> rightFinal = TestSockets.snapshot(right.get(0));

		link(right.get(0), left.get(2));

		List<SyncSocket> all = new ArrayList<>(left);
		all.addAll(right);
		TestSockets.awaitIdentical(all);
		// every surviving entry is one of the versions a group ended with, nothing
		// invented
		Map<String, String> merged = TestSockets.snapshot(all.get(0));
		Set<String> keys = new HashSet<>(leftFinal.keySet());
		keys.addAll(rightFinal.keySet());
		assertThat(keys).containsAll(merged.keySet());
		merged.forEach((key, version) -> assertThat(version).isIn(leftFinal.get(key), rightFinal.get(key)));
	}

	private boolean operate(SyncSocket node, Random random) {
		String key = "k" + random.nextInt(KEYS);
		try {
			switch (random.nextInt(6)) {
				case 0, 1 -> node.set(key, "v" + random.nextInt(1000));
				case 2 -> node.set(key, random.nextInt(3));
				case 3 -> node.applyDelta(key, Map.of("f" + random.nextInt(3), random.nextInt(100)));
				case 4 -> node.del(key);
				default -> {
					Map<String, Object> entries = new java.util.LinkedHashMap<>();
					entries.put("k" + random.nextInt(KEYS), true);
					entries.put(key, List.of(random.nextInt(5)));
					node.update(entries);
				}
			}
			return true;
		}
		catch (LeaseHeldException | ValueTypeException ex) {
			return false;
		}
	}

	private SyncSocket start(MutableClock clock, Leasing leasing) {
		SyncSocket socket = new SyncSocket(
				SyncOptions.builder().leasing(leasing).mesh((mesh) -> mesh.clock(clock).maxOutgoing(0)).build());
		this.sockets.add(socket);
		return socket.start();
	}

}
