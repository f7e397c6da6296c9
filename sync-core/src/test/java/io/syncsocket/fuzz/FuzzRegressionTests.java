package io.syncsocket.fuzz;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncsocket.Leasing;
import io.syncsocket.LinkFault;
import io.syncsocket.MeshSocket;
import io.syncsocket.Peer;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.internal.wire.RawMsgpack;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inputs the fuzz suite found bugs with, as plain tests: a node with a well-behaved
 * peer and a raw peer that sends one bad message.
 */
@Tag("slow")
class FuzzRegressionTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private LogCapture logs;

	private SyncSocket node;

	private SyncSocket good;

	@BeforeEach
	void startNodes() {
		this.logs = new LogCapture();
		this.node = track(new SyncSocket(
				SyncOptions.builder().leasing(Leasing.ON).mesh((mesh) -> mesh.port(0).maxOutgoing(0)).build()))
			.start();
		this.good = track(new SyncSocket(
				SyncOptions.builder().leasing(Leasing.ON).mesh((mesh) -> mesh.port(0).maxOutgoing(0)).build()))
			.start();
		this.good.connect("127.0.0.1", this.node.boundAddress().getPort());
		await().until(() -> peerIds(this.node).contains(this.good.id()));
	}

	@AfterEach
	void closeEverything() throws Exception {
		List<AutoCloseable> reversed = new ArrayList<>(this.closeables);
		Collections.reverse(reversed);
		for (AutoCloseable closeable : reversed) {
			closeable.close();
		}
		this.logs.close();
	}

	/**
	 * A broadcast {@code peers} without a list, or a {@code request} of neither valid
	 * form, is INVALID_MESSAGE: it closes the link it came on. It used to be relayed
	 * first, so every peer closed its link to the node too (found by SocketFuzzTests,
	 * -Dfuzz.seed=7, socket.one-field:
	 * {@code [0, id, now, 0x08, "request-281", 1795700074, "target"]}).
	 */
	@Test
	void invalidMeshBroadcastsShouldCloseOnlyTheLinkTheyCameOn() throws Exception {
		List<List<Object>> poison = List.of(List.of(0x07), List.of(0x07, "not a list"),
				List.of(0x08, "request-1", 1795700074L, "target"), List.of(0x08, "not a star"));
		for (List<Object> payload : poison) {
			FuzzPeer raw = handshaken("~raw-" + payload.size() + "-" + payload.get(1 % payload.size()));
			long invalid = this.node.stats().faults(LinkFault.INVALID_MESSAGE);
			raw.write(raw.frame(0x00, nowSeconds(), payload));
			await().until(raw::ended);
			assertThat(this.node.stats().faults(LinkFault.INVALID_MESSAGE)).isEqualTo(invalid + 1);
			// Whatever the node sent the good peer before this marker has arrived with
			// it.
			String marker = "marker-" + invalid;
			this.node.set(marker, true);
			await().until(() -> Boolean.TRUE.equals(this.good.get(marker)));
			assertThat(this.good.stats().linkErrors()).as("faults on the good peer after %s", payload).isZero();
			assertThat(peerIds(this.good)).containsExactly(this.node.id());
		}
		assertThat(this.logs.problems()).isEmpty();
	}

	/**
	 * A delta whose map has a nil key made the merge throw a NullPointerException on the
	 * node loop: logged as an unexpected error, and the rest of the read (here a valid
	 * store) was lost while the link stayed open (found by SocketFuzzTests,
	 * -Dfuzz.seed=8, socket.valid-sync). It now merges, the nil key compared as the text
	 * "null" (js2p's property name for it).
	 */
	@Test
	void deltaWithANilMapKeyShouldMerge() throws Exception {
		FuzzPeer raw = handshaken("~raw-delta");
		byte[] withNilKey = { (byte) 0x82, (byte) 0xa1, 'a', 0x01, (byte) 0xc0, 0x02 }; // {"a":
																						// 1,
																						// nil:
																						// 2}
		raw.write(Frames.concat(raw.frame(0x00, nowSeconds(), List.of(0x11, "k", new RawMsgpack(withNilKey))),
				raw.frame(0x00, nowSeconds(), List.of(0x0B, "after", "x"))));
		await().until(() -> "x".equals(this.node.get("after")));
		Map<Object, Object> expected = new LinkedHashMap<>();
		expected.put("a", 1L);
		expected.put(null, 2L);
		assertThat(this.node.get("k")).isEqualTo(expected);
		await().until(() -> expected.equals(this.good.get("k")));
		assertThat(raw.ended()).isFalse();
		assertThat(this.logs.problems()).isEmpty();
	}

	private FuzzPeer handshaken(String id) throws Exception {
		FuzzPeer raw = track(FuzzPeer.connect(this.node.boundAddress().getPort(), id));
		raw.write(raw.handshakeFrame(this.node.protocolId(), List.of(), nowSeconds()));
		await().until(() -> raw.peersMessages() > 0);
		raw.write(raw.frame(0x02, nowSeconds(), List.of(0x07, List.of())));
		return raw;
	}

	private static long nowSeconds() {
		return System.currentTimeMillis() / 1000;
	}

	private static List<String> peerIds(MeshSocket socket) {
		return socket.peers().stream().map(Peer::id).toList();
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private static ConditionFactory await() {
		return Awaitility.await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
	}

}
