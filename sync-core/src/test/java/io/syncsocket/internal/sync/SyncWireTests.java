package io.syncsocket.internal.sync;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.syncsocket.LinkFault;
import io.syncsocket.Metatuple;
import io.syncsocket.MutableClock;
import io.syncsocket.Peer;
import io.syncsocket.SyncEntry;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.TestResources;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SyncEngine}'s handling of stores and deltas that arrive on the wire (PROTOCOL.md
 * §7.2–7.4): a raw TCP peer writes hand-built messages to a {@link SyncSocket} ("node")
 * that is also linked to a second {@code SyncSocket} ("other"), over loopback.
 */
class SyncWireTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String HOST = "127.0.0.1";

	private static final String THIRD_NODE = "ThirdNode9yGmS4Zc7hVwQ2Lx";

	private final MutableClock clock = MutableClock.atNow();

	@RegisterExtension
	final TestResources resources = new TestResources();

	/** Events of {@link #node}, the marker key's excluded. */
	private final List<SyncEvent> events = new CopyOnWriteArrayList<>();

	private SyncSocket node;

	private SyncSocket other;

	private WirePeer raw;

	private int markers;

	@BeforeEach
	void startNodes() throws IOException {
		this.node = start();
		this.node.addSyncListener(new SyncListener() {

			@Override
			public void onUpdate(SyncEvent event) {
				record(event);
			}

			@Override
			public void onDelete(SyncEvent event) {
				record(event);
			}

		});
		this.other = start();
		this.other.connect(HOST, this.node.boundAddress().getPort());
		this.raw = WirePeer.connect(this.node);
		this.resources.add(this.raw);
		this.raw.handshake(this.node);
		await().atMost(WAIT).until(() -> this.node.peers().size() == 2);
	}

	private SyncSocket start() {
		SyncSocket socket = new SyncSocket(SyncOptions.builder().mesh((mesh) -> mesh.clock(this.clock)).build());
		this.resources.add(socket);
		return socket.start();
	}

	private void record(SyncEvent event) {
		if (!event.key().equals("marker")) {
			this.events.add(event);
		}
	}

	private long now() {
		return this.clock.instant().getEpochSecond();
	}

	private static byte[] key(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Sends a fresh store of the marker key and waits until the node applied it:
	 * everything the raw peer sent before has been handled by then (one link, one node
	 * loop, in order).
	 */
	private void syncWithNode() throws IOException {
		int marker = ++this.markers;
		this.raw.send(Flags.BROADCAST, now(), Flags.STORE, key("marker"), marker);
		await().atMost(WAIT).until(() -> Long.valueOf(marker).equals(this.node.get("marker")));
	}

	private void assertLinkToOtherReplicates() {
		String token = UUID.randomUUID().toString();
		this.other.set("from-other", token);
		await().atMost(WAIT).until(() -> token.equals(this.node.get("from-other")));
		this.node.set("from-node", token);
		await().atMost(WAIT).until(() -> token.equals(this.other.get("from-node")));
	}

	private boolean rawIsPeer() {
		return this.node.peers().stream().map(Peer::id).anyMatch(this.raw.id::equals);
	}

	// ------------------------------------------------------------------ malformed sync
	// messages

	/** Stores and deltas that make no sense for their flag: LinkFault.INVALID_MESSAGE. */
	enum Malformed {

		STORE_KEY_IS_AN_INTEGER(Flags.STORE, 42, "after"),

		STORE_KEY_IS_AN_ARRAY(Flags.STORE, List.of(key("k")), "after"),

		STORE_WITH_TWO_PACKETS(Flags.STORE, key("k")),

		STORE_WITH_FOUR_PACKETS(Flags.STORE, key("k"), "after", "extra"),

		STORE_WITH_SIX_PACKETS(Flags.STORE, key("k"), "after", "owner", 1, 2),

		FIVE_PACKET_STORE_WITH_INTEGER_OWNER(Flags.STORE, key("k"), "after", 42, 1),

		FIVE_PACKET_STORE_WITH_STR_TIMESTAMP(Flags.STORE, key("k"), "after", "owner", "soon"),

		DELTA_WITH_A_STR(Flags.DELTA, key("k"), "not a map"),

		DELTA_WITH_AN_ARRAY(Flags.DELTA, key("k"), List.of("a", 1)),

		DELTA_WITH_NIL(Flags.DELTA, key("k"), null),

		DELTA_WITHOUT_A_VALUE(Flags.DELTA, key("k")),

		DELTA_KEY_IS_AN_INTEGER(Flags.DELTA, 7, Map.of("a", 1)),

		DIGEST_THAT_IS_NOT_AN_INTEGER(Flags.DIGEST, "digest");

		private final @Nullable Object[] payload;

		Malformed(@Nullable Object... payload) {
			this.payload = payload;
		}

	}

	static Stream<Arguments> malformedMessages() {
		List<Arguments> arguments = new ArrayList<>();
		for (Malformed malformed : Malformed.values()) {
			arguments.add(Arguments.of(malformed, "whisper"));
			arguments.add(Arguments.of(malformed, "broadcast"));
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0} as {1}")
	@MethodSource("malformedMessages")
	void malformedSyncMessageShouldCloseOnlyItsLinkAndLeaveTheDictionaryUnchanged(Malformed malformed, String route)
			throws IOException {
		this.raw.send(Flags.BROADCAST, now(), Flags.STORE, key("k"), "before");
		await().atMost(WAIT).until(() -> "before".equals(this.other.get("k")));
		assertThat(this.node.get("k")).isEqualTo("before");

		this.raw.send(route.equals("whisper") ? Flags.WHISPER : Flags.BROADCAST, now(), malformed.payload);

		this.raw.awaitClosed(WAIT);
		await().atMost(WAIT).until(() -> this.node.stats().faults(LinkFault.INVALID_MESSAGE) == 1);
		await().atMost(WAIT).until(() -> !rawIsPeer());
		assertThat(this.node.keys()).containsExactly("k");
		assertThat(this.node.get("k")).isEqualTo("before");
		assertThat(this.node.meta("k")).isEqualTo(new Metatuple(this.raw.id, now()));
		assertThat(this.events).hasSize(1);
		assertThat(this.node.peers()).extracting(Peer::id).containsExactly(this.other.id());
		assertLinkToOtherReplicates();
		assertThat(this.other.stats().faults(LinkFault.INVALID_MESSAGE)).isZero();
		assertThat(this.other.get("k")).isEqualTo("before");
	}

	// ------------------------------------------------------------------ nil stores

	@Test
	void nilStoreForAnAbsentKeyShouldBeANoOpWithoutAnEventButStillBeRelayed() throws IOException {
		long relayedBefore = this.node.stats().broadcastsRelayed();

		this.raw.send(Flags.BROADCAST, now(), Flags.STORE, key("absent"), null);
		syncWithNode();

		assertThat(this.events).isEmpty();
		assertThat(this.node.containsKey("absent")).isFalse();
		assertThat(this.node.keys()).containsExactly("marker");
		assertThat(this.node.syncStats().deletes()).isZero();
		assertThat(rawIsPeer()).as("link kept").isTrue();
		// relayed to the other node: the nil store and the marker
		assertThat(this.node.stats().broadcastsRelayed() - relayedBefore).isEqualTo(2);
		await().atMost(WAIT).until(() -> this.other.containsKey("marker"));
		assertThat(this.other.syncStats().deletes()).isZero();
		assertThat(this.other.containsKey("absent")).isFalse();
	}

	// ------------------------------------------------------------------ 5-packet stores
	// for present keys

	@Test
	void fivePacketStoreForAPresentKeyShouldJoinByVersion() throws IOException {
		long now = now();
		this.raw.send(Flags.BROADCAST, now, Flags.STORE, key("k"), "live");
		await().atMost(WAIT).until(() -> this.events.size() == 1);
		Metatuple live = new Metatuple(this.raw.id, now);
		assertThat(this.node.meta("k")).isEqualTo(live);

		// older: ignored
		this.raw.send(Flags.WHISPER, now, Flags.STORE, key("k"), "older", THIRD_NODE, now - 10);
		syncWithNode();
		assertThat(this.node.get("k")).isEqualTo("live");
		assertThat(this.node.meta("k")).isEqualTo(live);
		assertThat(this.events).hasSize(1);
		assertThat(this.node.syncStats().staleRejections()).isEqualTo(1);

		// equal: a no-op, not even counted as stale
		this.raw.send(Flags.WHISPER, now, Flags.STORE, key("k"), "live", this.raw.id, now);
		syncWithNode();
		assertThat(this.node.get("k")).isEqualTo("live");
		assertThat(this.events).hasSize(1);
		assertThat(this.node.syncStats().staleRejections()).isEqualTo(1);
		assertThat(this.node.syncStats().stateTransferUpdates()).isZero();

		// newer: applied as a state-transfer entry, and passed on so the other node
		// converges
		this.raw.send(Flags.WHISPER, now, Flags.STORE, key("k"), "newer", THIRD_NODE, now + 5);
		await().atMost(WAIT).until(() -> this.events.size() == 2);
		Metatuple newer = new Metatuple(THIRD_NODE, now + 5);
		assertThat(this.node.get("k")).isEqualTo("newer");
		assertThat(this.node.meta("k")).isEqualTo(newer);
		assertThat(this.events.get(1).origin()).isEqualTo(SyncEvent.Origin.STATE_TRANSFER);
		assertThat(this.events.get(1).meta()).isEqualTo(newer);
		assertThat(this.node.syncStats().stateTransferUpdates()).isEqualTo(1);
		await().atMost(WAIT).until(() -> newer.equals(this.other.meta("k")));
		assertThat(this.other.get("k")).isEqualTo("newer");
		assertThat(rawIsPeer()).as("link kept").isTrue();
	}

	// ------------------------------------------------------------------ deltas onto
	// non-maps

	static Stream<Arguments> nonMapValues() {
		return Stream.of(Arguments.of("str", "plain"), Arguments.of("int", 42L), Arguments.of("zero", 0L),
				Arguments.of("bin", key("bytes")), Arguments.of("array", List.of(1L, "a")), Arguments.of("bool", true));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("nonMapValues")
	void deltaOntoANonMapValueShouldBeIgnoredWithoutClosingTheLink(String type, Object value) throws IOException {
		this.raw.send(Flags.BROADCAST, now(), Flags.STORE, key("v"), value);
		this.raw.send(Flags.BROADCAST, now(), Flags.DELTA, key("v"), Map.of("a", 1));
		syncWithNode();

		Object stored = this.node.get("v");
		if (value instanceof byte[] bytes) {
			assertThat((byte[]) stored).isEqualTo(bytes);
		}
		else {
			assertThat(stored).isEqualTo(value);
		}
		assertThat(this.node.syncStats().ignoredDeltas()).isEqualTo(1);
		assertThat(this.node.syncStats().leaseRejections()).isZero();
		assertThat(this.node.stats().faults(LinkFault.INVALID_MESSAGE)).isZero();
		assertThat(this.events).hasSize(1);
		assertThat(rawIsPeer()).as("link kept").isTrue();
		// the other node got both by relay and ignores the delta too
		await().atMost(WAIT).until(() -> this.other.syncStats().ignoredDeltas() == 1);
		assertThat(this.other.peers()).hasSize(1);
	}

	// ------------------------------------------------------------------ tombstones

	@Test
	void liveChangeToAnAbsentKeyOlderThanTheTombstoneRetentionShouldBeRejectedAsStale() throws IOException {
		// A delete that beat such a change may already be forgotten (found by
		// SimulationTests, seed 802197731: a copy held up behind a slow reader came
		// back).
		SyncSocket forgetful = new SyncSocket(SyncOptions.builder()
			.tombstoneRetention(Duration.ofSeconds(10))
			.mesh((mesh) -> mesh.clock(this.clock))
			.build());
		this.resources.add(forgetful);
		forgetful.start();
		WirePeer peer = WirePeer.connect(forgetful);
		this.resources.add(peer);
		peer.handshake(forgetful);
		await().atMost(WAIT).until(() -> forgetful.peers().size() == 1);
		long now = now();
		peer.send(Flags.BROADCAST, now - 30, Flags.STORE, key("k"), "stale");
		peer.send(Flags.BROADCAST, now - 11, Flags.DELTA, key("d"), Map.of("a", 1));
		peer.send(Flags.BROADCAST, now - 9, Flags.STORE, key("fresh"), "v");
		await().atMost(WAIT).until(() -> "v".equals(forgetful.get("fresh")));
		assertThat(forgetful.containsKey("k")).isFalse();
		assertThat(forgetful.containsKey("d")).isFalse();
		assertThat(forgetful.syncStats().staleRejections()).isEqualTo(2);
	}

	@Test
	void liveChangeOlderThanATombstoneShouldBeRejectedAsStale() throws IOException {
		long now = now();
		this.raw.send(Flags.BROADCAST, now - 20, Flags.STORE, key("k"), "v");
		this.raw.send(Flags.BROADCAST, now - 10, Flags.STORE, key("k"), null);
		await().atMost(WAIT).until(() -> this.node.syncStats().deletes() == 1);
		assertThat(this.node.containsKey("k")).isFalse();
		assertThat(this.node.syncStats().tombstones()).isEqualTo(1);

		// from a third node, relayed by the raw peer: older than the delete
		this.raw.sendAs(THIRD_NODE, Flags.BROADCAST, now - 15, Flags.STORE, key("k"), "stale");
		this.raw.sendAs(THIRD_NODE, Flags.BROADCAST, now - 14, Flags.DELTA, key("k"), Map.of("a", 1));
		syncWithNode();
		assertThat(this.node.containsKey("k")).isFalse();
		assertThat(this.node.syncStats().staleRejections()).isEqualTo(2);
		assertThat(this.events).extracting(SyncEvent::type)
			.containsExactly(SyncEvent.Type.UPDATE, SyncEvent.Type.DELETE);

		// newer than the delete: applied
		this.raw.sendAs(THIRD_NODE, Flags.BROADCAST, now - 5, Flags.STORE, key("k"), "fresh");
		await().atMost(WAIT).until(() -> "fresh".equals(this.node.get("k")));
		assertThat(this.node.meta("k")).isEqualTo(new Metatuple(THIRD_NODE, now - 5));
		assertThat(this.node.syncStats().tombstones()).isZero();
	}

	/**
	 * Sets a key again in the very second it was deleted (the clock does not move), while
	 * the other node is away; after the reconnect's state transfers both must hold the
	 * new value.
	 */
	@Test
	void writeInTheSecondOfAnEarlierDeleteShouldSurviveAStateTransfer() {
		this.node.set("k", "v1");
		await().atMost(WAIT).until(() -> "v1".equals(this.other.get("k")));
		this.node.del("k");
		await().atMost(WAIT).until(() -> !this.other.containsKey("k"));
		assertThat(this.other.syncStats().tombstones()).isEqualTo(1);
		this.other.disconnect(this.node.id());
		await().atMost(WAIT).until(() -> this.other.peers().isEmpty() && this.node.peers().size() == 1);

		this.node.set("k", "v2");
		this.other.connect(HOST, this.node.boundAddress().getPort());
		// Each side's state transfer precedes anything it broadcasts afterwards on the
		// link.
		String token = UUID.randomUUID().toString();
		this.node.set("after-reconnect-node", token);
		this.other.set("after-reconnect-other", token);
		await().atMost(WAIT)
			.until(() -> token.equals(this.other.get("after-reconnect-node"))
					&& token.equals(this.node.get("after-reconnect-other")));

		assertThat(this.node.get("k")).as("on the writer").isEqualTo("v2");
		assertThat(this.other.get("k")).as("on the node that saw the delete").isEqualTo("v2");
	}

	// ------------------------------------------------------------------ falsy values
	// (PROTOCOL.md §9 Q8 not copied)

	private static Map<String, Object> falsyValues() {
		Map<String, Object> values = new LinkedHashMap<>();
		values.put("zero", 0L);
		values.put("empty_str", "");
		values.put("false", false);
		values.put("empty_bin", new byte[0]);
		values.put("empty_array", List.of());
		values.put("empty_map", Map.of());
		values.put("zero_float", 0.0);
		return values;
	}

	@Test
	void falsyValuesShouldBeStoredAndListedLikeAnyOtherValue() throws IOException {
		Map<String, Object> falsy = falsyValues();
		for (Map.Entry<String, Object> entry : falsy.entrySet()) {
			this.raw.send(Flags.BROADCAST, now(), Flags.STORE, key(entry.getKey()), entry.getValue());
		}
		await().atMost(WAIT).until(() -> this.node.size() == falsy.size());

		assertThat(this.node.keys()).containsExactlyInAnyOrderElementsOf(falsy.keySet());
		assertThat(this.node.values()).hasSize(falsy.size());
		Map<String, Object> items = new LinkedHashMap<>();
		for (SyncEntry entry : this.node.items()) {
			items.put(entry.key(), entry.value());
			assertThat(entry.meta()).isEqualTo(new Metatuple(this.raw.id, now()));
		}
		assertThat(items).containsOnlyKeys(falsy.keySet());
		for (Map.Entry<String, Object> entry : falsy.entrySet()) {
			String name = entry.getKey();
			assertThat(this.node.containsKey(name)).as(name).isTrue();
			assertSameValue(this.node.get(name), entry.getValue(), "get " + name);
			assertSameValue(this.node.get(name, "fallback"), entry.getValue(), "get with fallback " + name);
			assertSameValue(items.get(name), entry.getValue(), "items " + name);
		}
		assertThat(this.events).hasSize(falsy.size());
		await().atMost(WAIT).until(() -> this.other.size() == falsy.size());
		for (Map.Entry<String, Object> entry : falsy.entrySet()) {
			assertSameValue(this.other.get(entry.getKey()), entry.getValue(), "other " + entry.getKey());
		}
	}

	@Test
	void fivePacketStoreShouldNotTreatAFalsyValueAsAbsent() throws IOException {
		long now = now();
		this.raw.send(Flags.BROADCAST, now, Flags.STORE, key("zero"), 0);
		await().atMost(WAIT).until(() -> this.node.containsKey("zero"));

		// js2p would apply this older entry because 0 is falsy; the stored version is
		// newer.
		this.raw.send(Flags.WHISPER, now, Flags.STORE, key("zero"), "older", THIRD_NODE, now - 10);
		syncWithNode();

		assertThat(this.node.get("zero")).isEqualTo(0L);
		assertThat(this.node.meta("zero")).isEqualTo(new Metatuple(this.raw.id, now));
		assertThat(this.node.syncStats().staleRejections()).isEqualTo(1);
	}

	@Test
	void localFalsyValuesShouldReplicate() {
		Map<String, Object> falsy = falsyValues();
		falsy.forEach(this.node::set);
		await().atMost(WAIT).until(() -> this.other.size() == falsy.size());
		for (Map.Entry<String, Object> entry : falsy.entrySet()) {
			assertSameValue(this.other.get(entry.getKey()), entry.getValue(), "other " + entry.getKey());
		}
		assertThat(this.other.keys()).containsExactlyInAnyOrderElementsOf(falsy.keySet());
	}

	private static void assertSameValue(@Nullable Object actual, Object expected, String what) {
		assertThat(actual).as(what).isNotNull();
		assertThat(actual.getClass()).as("%s type", what)
			.satisfiesAnyOf((type) -> assertThat(type).isEqualTo(expected.getClass()),
					(type) -> assertThat(List.class.isAssignableFrom(type) && expected instanceof List).isTrue(),
					(type) -> assertThat(Map.class.isAssignableFrom(type) && expected instanceof Map).isTrue());
		if (expected instanceof byte[] bytes) {
			assertThat((byte[]) actual).as(what).isEqualTo(bytes);
		}
		else {
			assertThat(actual).as(what).isEqualTo(expected);
		}
	}

	// ------------------------------------------------------------------ a minimal raw
	// peer

	/**
	 * A blocking TCP client that speaks just enough of the protocol: a syncsocket-style
	 * handshake (ids str, protocol id bin, no compression), messages built with
	 * {@link MessageCodec#encode}, and reads of the node's frames with bounded waits.
	 */
	static final class WirePeer implements AutoCloseable {

		final String id = "WirePeer" + UUID.randomUUID().toString().replace("-", "");

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private final BlobCodec blobs = new BlobCodec(64 * 1024 * 1024);

		private WirePeer(Socket socket) throws IOException {
			this.socket = socket;
			this.in = socket.getInputStream();
			this.out = socket.getOutputStream();
		}

		static WirePeer connect(SyncSocket node) throws IOException {
			Socket socket = new Socket();
			try {
				socket.setTcpNoDelay(true);
				socket.connect(new InetSocketAddress(HOST, node.boundAddress().getPort()), (int) WAIT.toMillis());
				return new WirePeer(socket);
			}
			catch (IOException ex) {
				socket.close();
				throw ex;
			}
		}

		void send(int msgType, long time, @Nullable Object... payload) throws IOException {
			sendAs(this.id, msgType, time, payload);
		}

		/**
		 * A message authored by {@code sender}: as if this peer relayed another node's
		 * message.
		 */
		void sendAs(String sender, int msgType, long time, @Nullable Object... payload) throws IOException {
			byte[] blob = MessageCodec.encode(msgType, sender, time, Arrays.asList(payload));
			this.out.write(ByteBuffer.allocate(4 + blob.length).putInt(blob.length).put(blob).array());
			this.out.flush();
		}

		/**
		 * Handshakes, waits for the node's peers message, and sends an empty one back.
		 */
		void handshake(SyncSocket node) throws IOException {
			long time = System.currentTimeMillis() / 1000;
			send(Flags.WHISPER, time, Flags.HANDSHAKE, this.id, node.protocolId().getBytes(StandardCharsets.US_ASCII),
					List.of(HOST, this.socket.getLocalPort()), List.of());
			awaitMessage((message) -> message.subFlag() == Flags.PEERS);
			send(Flags.WHISPER, time, Flags.PEERS, List.of());
		}

		WireMessage awaitMessage(Predicate<WireMessage> condition) throws IOException {
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (true) {
				WireMessage message = read(deadline);
				if (condition.test(message)) {
					return message;
				}
			}
		}

		/**
		 * Reads (and drops) whatever the node still sends until it closes the connection.
		 */
		void awaitClosed(Duration bound) throws IOException {
			long deadline = System.nanoTime() + bound.toNanos();
			try {
				while (true) {
					read(deadline);
				}
			}
			catch (EOFException | SocketException ex) {
				// closed by the node
			}
			catch (SocketTimeoutException ex) {
				throw new AssertionError("the node kept the connection open for " + bound);
			}
		}

		private WireMessage read(long deadline) throws IOException {
			byte[] header = readFully(4, deadline);
			int length = ByteBuffer.wrap(header).getInt();
			if (length < 0 || length > 64 * 1024 * 1024) {
				throw new IOException("frame length " + Integer.toUnsignedString(length));
			}
			return MessageCodec.decode(this.blobs.open(readFully(length, deadline)));
		}

		private byte[] readFully(int length, long deadline) throws IOException {
			byte[] bytes = new byte[length];
			int read = 0;
			while (read < length) {
				long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
				if (remainingMillis <= 0) {
					throw new SocketTimeoutException("nothing to read");
				}
				this.socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, remainingMillis));
				int n = this.in.read(bytes, read, length - read);
				if (n < 0) {
					throw new EOFException("closed by the node");
				}
				read += n;
			}
			return bytes;
		}

		@Override
		public void close() throws IOException {
			this.blobs.close();
			this.socket.close();
		}

	}

}
