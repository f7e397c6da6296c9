package io.syncsocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Writes repeated within one second (PROTOCOL.md §9 Q15). A body a peer has already seen
 * at a second is dropped there as a duplicate, so a write that returns normally must
 * never repeat one: with the clock frozen, values alternating on one key either reach the
 * peer or are refused with nothing changed, and the peer ends equal to the writer.
 */
class RepeatedWriteTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<MeshSocket> sockets = new ArrayList<>();

	@AfterEach
	void closeSockets() {
		this.sockets.forEach(MeshSocket::close);
	}

	enum Operation {

		SET, SET_ASYNC, APPLY_DELTA, SET_AND_DELETE

	}

	static List<Arguments> cases() {
		List<Arguments> cases = new ArrayList<>();
		for (int count : new int[] { 5, 9, 100 }) {
			for (Operation operation : Operation.values()) {
				cases.add(Arguments.of(count, operation, Leasing.ON));
			}
		}
		cases.add(Arguments.of(9, Operation.SET, Leasing.OFF));
		cases.add(Arguments.of(9, Operation.APPLY_DELTA, Leasing.JS2P_DEFAULT));
		return cases;
	}

	@ParameterizedTest(name = "{0} alternating writes with {1}, leasing {2}")
	@MethodSource("cases")
	void alternatingWritesInOneSecondShouldReachThePeerOrBeRefused(int count, Operation operation, Leasing leasing) {
		MutableClock clock = MutableClock.atNow();
		SyncSocket writer = start(clock, leasing);
		SyncSocket peer = start(clock, leasing);
		TestSockets.link(peer, writer);
		int acknowledged = 0;
		for (int i = 0; i < count; i++) {
			String value = (i % 2 == 0) ? "v1" : "v2";
			Map<String, String> before = TestSockets.snapshot(writer);
			try {
				write(writer, operation, i, value);
				acknowledged++;
			}
			catch (WriteConflictException ex) {
				assertThat(ex.key()).isEqualTo("k");
				assertThat(TestSockets.snapshot(writer)).as("the writer after refused write %d", i).isEqualTo(before);
			}
		}
		assertThat(acknowledged).as("acknowledged writes").isGreaterThanOrEqualTo(Math.min(count, 4));
		assertPeerEqualsWriter(writer, peer, "marker-1");

		// a second later the refused value can be written again, and it arrives
		clock.advance(Duration.ofSeconds(2));
		write(writer, operation, count, "v1");
		assertPeerEqualsWriter(writer, peer, "marker-2");
	}

	@Test
	void aRefusedUpdateShouldChangeNoKey() {
		MutableClock clock = MutableClock.atNow();
		SyncSocket writer = start(clock, Leasing.ON);
		SyncSocket peer = start(clock, Leasing.ON);
		TestSockets.link(peer, writer);
		for (String value : List.of("v1", "v2", "v1", "v2")) {
			writer.set("k", value);
		}
		Map<String, String> before = TestSockets.snapshot(writer);
		assertThatExceptionOfType(WriteConflictException.class)
			.isThrownBy(() -> writer.update(Map.of("other", "x", "k", "v1")));
		assertThat(TestSockets.snapshot(writer)).isEqualTo(before);
		assertPeerEqualsWriter(writer, peer, "marker");
	}

	/**
	 * A process restarted under the same node id within the second of its predecessor's
	 * last writes knows only the version peers hold, not every change the predecessor
	 * sent at that second: writing one of those again must not be dropped by the peer as
	 * a duplicate (found by the simulation, seed 555183575).
	 */
	@Test
	void aNodeRestartedUnderItsIdShouldNotRepeatWhatItsPredecessorSent() {
		MutableClock clock = MutableClock.atNow();
		SyncSocket peer = start(clock, Leasing.ON);
		SyncSocket predecessor = start(clock, Leasing.ON, "1-restarted");
		TestSockets.link(peer, predecessor);
		predecessor.set("k", "v1");
		predecessor.set("k", "v2");
		assertPeerEqualsWriter(predecessor, peer, "marker-1");
		predecessor.close();
		SyncSocket successor = start(clock, Leasing.ON, "1-restarted");
		TestSockets.link(peer, successor);
		await().atMost(WAIT).until(() -> "v2".equals(successor.get("k")));
		try {
			successor.set("k", "v1");
		}
		catch (WriteConflictException ex) {
			assertThat(successor.get("k")).isEqualTo("v2");
		}
		assertPeerEqualsWriter(successor, peer, "marker-2");
	}

	@Test
	void identicalUserMessagesShouldArriveOrBeRefused() throws InterruptedException {
		MutableClock clock = MutableClock.atNow();
		MeshSocket sender = startMesh(clock);
		MeshSocket receiver = startMesh(clock);
		receiver.connect("127.0.0.1", sender.boundAddress().getPort());
		await().atMost(WAIT).until(() -> sender.peers().size() == 1);
		List<String> accepted = new ArrayList<>();
		for (String text : List.of("same", "same", "same", "a", "b", "a", "b", "a")) {
			try {
				sender.send(text);
				accepted.add(text);
			}
			catch (DuplicateMessageException ex) {
				assertThat(ex.retryAfter()).isEqualTo(clock.instant().getEpochSecond() + 1);
			}
		}
		assertThat(accepted).containsExactly("same", "same", "a", "b", "a", "b");
		sender.send("end");
		List<Object> received = new ArrayList<>();
		while (true) {
			Message message = receiver.recv(WAIT);
			assertThat(message).as("a message within %s", WAIT).isNotNull();
			Object text = message.packets().get(0);
			if ("end".equals(text)) {
				break;
			}
			received.add(text);
		}
		assertThat(received).isEqualTo(new ArrayList<Object>(accepted));
	}

	private static void write(SyncSocket socket, Operation operation, int index, String value) {
		switch (operation) {
			case SET -> socket.set("k", value);
			case SET_ASYNC -> {
				try {
					socket.setAsync("k", value).join();
				}
				catch (CompletionException ex) {
					if (ex.getCause() instanceof WriteConflictException conflict) {
						throw conflict;
					}
					throw ex;
				}
			}
			case APPLY_DELTA -> socket.applyDelta("k", Map.of("f", value));
			case SET_AND_DELETE -> {
				// deletions repeat a body too: [store, k, nil]
				if (index % 4 == 3) {
					socket.del("k");
				}
				else {
					socket.set("k", value);
				}
			}
		}
	}

	/**
	 * Writes a marker after everything else and, once it arrived (links keep order),
	 * compares.
	 */
	private static void assertPeerEqualsWriter(SyncSocket writer, SyncSocket peer, String marker) {
		writer.set(marker, true);
		await().atMost(WAIT).until(() -> peer.get(marker) != null);
		assertThat(TestSockets.snapshot(peer)).as("the peer's dictionary").isEqualTo(TestSockets.snapshot(writer));
	}

	private SyncSocket start(MutableClock clock, Leasing leasing) {
		return start(clock, leasing, null);
	}

	private SyncSocket start(MutableClock clock, Leasing leasing, @Nullable String nodeId) {
		SyncSocket socket = new SyncSocket(SyncOptions.builder().leasing(leasing).mesh((mesh) -> {
			mesh.clock(clock).maxOutgoing(0);
			if (nodeId != null) {
				mesh.nodeId(nodeId);
			}
		}).build());
		this.sockets.add(socket);
		return socket.start();
	}

	private MeshSocket startMesh(MutableClock clock) {
		MeshSocket socket = new MeshSocket(MeshOptions.builder().clock(clock).maxOutgoing(0).build());
		this.sockets.add(socket);
		return socket.start();
	}

}
