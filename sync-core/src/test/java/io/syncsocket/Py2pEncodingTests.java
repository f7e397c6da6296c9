package io.syncsocket;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.WireMessage;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * py2p's encodings (PROTOCOL.md §2.1, §8, §12; {@code vectors/py2p_interop.json}) applied
 * by a real {@link SyncSocket} over loopback TCP: node ids, owners and keys as bin, bin
 * and str {@code request "*"}, peer lists that include the receiver, and the captured
 * py2p frames replayed verbatim. The peer is a {@link RawPeer} speaking py2p's dialect.
 */
class Py2pEncodingTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String HOST = "127.0.0.1";

	private static final ObjectMapper MAPPER = new ObjectMapper();

	private static final HexFormat HEX = HexFormat.of();

	/** What py2p advertises in its handshake (PROTOCOL.md §4.3). */
	private static final List<Integer> PY2P_COMPRESSION = List.of(0x13, 0x11, 0x10, 0x12);

	/** Another py2p node's id, as the owner of a full-state entry (bin on the wire). */
	private static final String OTHER_PY2P_ID = "5Q2cWavvfBr3q29WmS5dT8cqRZPjDJSkxcQ4JLKohjQ9EK4SovRVjiJn4gLqKaE2hj";

	/**
	 * Capture time of {@code py2p_pair_frames}: the handshakes and state whispers carry
	 * it.
	 */
	private static final long PAIR_CAPTURE_TIME = 1795687149L;

	@RegisterExtension
	final TestResources resources = new TestResources();

	private final List<SyncEvent> events = new CopyOnWriteArrayList<>();

	private final MutableClock clock = MutableClock.atNow();

	// ------------------------------------------------------------------ handshakes

	@Test
	void javaHandshakeShouldUseTheEncodingPy2pAccepts() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		RawPeer.Frame handshake = peer.nodeHandshake();
		List<?> body = body(handshake.message());
		JsonNode vectors = vectors();

		assertThat(handshake.raw()).as("handshake sent uncompressed").isTrue();
		assertThat(body).hasSize(8);
		assertThat(body.get(0)).isEqualTo((long) Flags.WHISPER);
		assertThat(body.get(1)).as("sender").isInstanceOf(String.class).isEqualTo(node.id());
		assertThat(body.get(3)).isEqualTo((long) Flags.HANDSHAKE);
		assertThat(body.get(4)).as("node id").isInstanceOf(String.class).isEqualTo(node.id());
		// py2p compares the protocol id as bytes with its own bytes value (PROTOCOL.md
		// §5.1, §8)
		String py2pProtocolId = pythonBytes(vectors.at("/interop_runs/0/py_protocol_id").asText());
		assertThat(body.get(5)).as("protocol id").isInstanceOf(byte[].class);
		assertThat(new String((byte[]) body.get(5), StandardCharsets.US_ASCII)).isEqualTo(py2pProtocolId)
			.isEqualTo(node.protocolId());
		assertThat(body.get(6)).isEqualTo(List.of(HOST, (long) node.boundAddress().getPort()));
		assertThat(body.get(7)).asInstanceOf(InstanceOfAssertFactories.LIST)
			.isNotEmpty()
			.allSatisfy((id) -> assertThat(PY2P_COMPRESSION).contains(((Long) id).intValue()));

		// The raw peer py2p accepted sent ids as str and the protocol id as bin; the one
		// it rejected sent the protocol id as str. Ours must look like the accepted one.
		JsonNode accepted = null;
		JsonNode rejected = null;
		for (JsonNode run : vectors.get("raw_java_style_peer_vs_py2p")) {
			if (run.get("closed_after_handshake").asBoolean()) {
				rejected = run;
			}
			else {
				accepted = run;
			}
		}
		assertThat(accepted).isNotNull();
		assertThat(rejected).isNotNull();
		assertThat(accepted.get("protocol_id_sent_as").asText()).isEqualTo("bin");
		assertThat(rejected.get("protocol_id_sent_as").asText()).isEqualTo("str");
		assertThat(accepted.at("/steps/0/sent").asText())
			.startsWith("fixarray[positive_fixint(0), str8(\"" + accepted.get("raw_id").asText() + "\")");
	}

	@Test
	void py2pHandshakeWithBinIdsShouldRegisterThePeerAndGetPeersAndState() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		node.set("java_key", "java value");
		RawPeer peer = connect(node);
		WireMessage peers = py2pHandshake(peer, node);

		assertThat(peers.msgType()).isEqualTo(Flags.WHISPER);
		assertThat(peers.packet(1)).isEqualTo(List.of());
		WireMessage state = peer.awaitMessage((message) -> message.subFlag() == Flags.STORE, RawPeer.READ_TIMEOUT);
		assertFullStateEntry(state, node);
		assertThat(node.peers()).singleElement().satisfies((p) -> {
			assertThat(p.id()).isEqualTo(peer.id());
			assertThat(p.dialect()).isEqualTo(Peer.Dialect.PY2P);
			assertThat(p.address().getHostString()).isEqualTo(HOST);
			assertThat(p.address().getPort()).isEqualTo(peer.localPort());
		});
	}

	static Stream<Arguments> capturedPy2pHandshakes() {
		Map<String, Arguments> handshakes = new LinkedHashMap<>();
		collectFrames(vectors(), "", (path, frame) -> {
			List<?> body = body(decode(frame));
			if (body.size() >= 4 && body.get(0).equals((long) Flags.WHISPER)
					&& body.get(3).equals((long) Flags.HANDSHAKE) && body.get(1) instanceof byte[]) {
				handshakes.putIfAbsent(HEX.formatHex(decode(frame).blob(), 0, 32), Arguments.of(path, frame));
			}
		});
		return handshakes.values().stream();
	}

	@Test
	void vectorsShouldHoldFiveDistinctPy2pHandshakes() {
		// py2p_pair_frames 0 and 1, py2p->js2p, js2p->py2p and the raw-peer sessions (one
		// node, twice)
		assertThat(capturedPy2pHandshakes()).hasSize(5);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("capturedPy2pHandshakes")
	void capturedPy2pHandshakeShouldBeAccepted(String path, byte[] frame) throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		List<?> handshake = body(decode(frame));
		String py2pId = new String((byte[]) handshake.get(4), StandardCharsets.UTF_8);

		peer.sendRaw(frame);
		peer.awaitMessage((message) -> message.subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);

		assertThat(node.peers()).singleElement().satisfies((p) -> {
			assertThat(p.id()).isEqualTo(py2pId);
			assertThat(p.dialect()).isEqualTo(Peer.Dialect.PY2P);
			assertThat(List.of(p.address().getHostString(), (long) p.address().getPort())).isEqualTo(handshake.get(6));
			assertThat(p.compression()).isEqualTo("zlib");
		});
	}

	@Test
	void py2pPeersListThatIncludesTheReceiverShouldNotMakeTheNodeDialItself() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		SyncSocket third = startOther(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		sendPy2p(peer, Flags.WHISPER, Flags.HANDSHAKE, utf8(peer.id()), utf8(node.protocolId()),
				List.of(HOST, peer.localPort()), PY2P_COMPRESSION);
		peer.awaitMessage((message) -> message.subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);

		// py2p lists everyone it knows, the receiver included, with ids as bin; the
		// receiver first.
		sendPy2p(peer, Flags.WHISPER, Flags.PEERS,
				List.of(List.of(List.of(HOST, node.boundAddress().getPort()), utf8(node.id())),
						List.of(List.of(HOST, peer.localPort()), utf8(peer.id())),
						List.of(List.of(HOST, third.boundAddress().getPort()), utf8(third.id()))));

		await().atMost(WAIT).until(() -> peerIds(node).contains(third.id()));
		await().during(Duration.ofMillis(300))
			.atMost(WAIT)
			.until(() -> node.stats().faults(LinkFault.SELF_CONNECTION) == 0 && node.peers().size() == 2);
		assertThat(peerIds(node)).containsExactlyInAnyOrder(peer.id(), third.id());
		assertThat(peerIds(third)).containsExactly(node.id());
	}

	// ------------------------------------------------------------------ py2p-style sync
	// messages

	@Test
	void broadcastStoreWithBinKeyAndBinSenderShouldBeApplied() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		py2pHandshake(peer, node);

		sendPy2p(peer, Flags.BROADCAST, Flags.STORE, utf8("py_key"), "from py2p");

		await().atMost(WAIT).until(() -> this.events.size() == 1);
		assertThat(node.get("py_key")).isEqualTo("from py2p");
		assertThat(node.get(utf8("py_key"))).isEqualTo("from py2p");
		assertThat(node.meta("py_key")).isEqualTo(new Metatuple(peer.id(), now()));
		assertEvent(this.events.get(0), SyncEvent.Type.UPDATE, "py_key", SyncEvent.Origin.REMOTE, peer.id());
	}

	@Test
	void whisperedFivePacketStoreWithBinKeyAndBinOwnerShouldBeAppliedAsStateTransfer() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		py2pHandshake(peer, node);

		sendPy2p(peer, Flags.WHISPER, Flags.STORE, utf8("py_live"), utf8("bytes from py2p"), utf8(OTHER_PY2P_ID),
				now() - 7200);

		await().atMost(WAIT).until(() -> this.events.size() == 1);
		assertThat(node.get("py_live")).isEqualTo(utf8("bytes from py2p"));
		assertThat(node.meta("py_live")).isEqualTo(new Metatuple(OTHER_PY2P_ID, now() - 7200));
		assertEvent(this.events.get(0), SyncEvent.Type.UPDATE, "py_live", SyncEvent.Origin.STATE_TRANSFER,
				OTHER_PY2P_ID);
		assertThat(node.syncStats().stateTransferUpdates()).isEqualTo(1);
	}

	@Test
	void deltaWithBinKeyShouldMergeIntoAMap() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		py2pHandshake(peer, node);

		sendPy2p(peer, Flags.BROADCAST, Flags.DELTA, utf8("d"), Map.of("x", 1));
		sendPy2p(peer, Flags.BROADCAST, Flags.DELTA, utf8("d"), Map.of(utf8("y"), "two"));

		await().atMost(WAIT).until(() -> this.events.size() == 2);
		assertThat(node.getMap("d")).containsExactly(Map.entry("x", 1L), Map.entry("y", "two"));
		assertThat(node.meta("d")).isEqualTo(new Metatuple(peer.id(), now()));
		assertEvent(this.events.get(1), SyncEvent.Type.UPDATE, "d", SyncEvent.Origin.REMOTE, peer.id());
	}

	@Test
	void nilStoreWithBinKeyShouldDeleteTheKey() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		py2pHandshake(peer, node);
		sendPy2p(peer, Flags.BROADCAST, Flags.STORE, utf8("py_key"), "from py2p");
		await().atMost(WAIT).until(() -> node.containsKey("py_key"));

		sendPy2p(peer, Flags.BROADCAST, Flags.STORE, utf8("py_key"), null);

		await().atMost(WAIT).until(() -> this.events.size() == 2);
		assertThat(node.containsKey("py_key")).isFalse();
		assertThat(node.keys()).isEmpty();
		assertEvent(this.events.get(1), SyncEvent.Type.DELETE, "py_key", SyncEvent.Origin.REMOTE, peer.id());
		assertThat(node.syncStats().deletes()).isEqualTo(1);
		assertThat(node.peers()).hasSize(1);
	}

	@Test
	void strAndBinKeysWithTheSameBytesShouldBeOneEntry() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		py2pHandshake(peer, node);

		sendPy2p(peer, Flags.BROADCAST, Flags.STORE, utf8("same"), "as bin");
		await().atMost(WAIT).until(() -> this.events.size() == 1);
		this.clock.advance(Duration.ofSeconds(1));
		sendPy2p(peer, Flags.BROADCAST, Flags.STORE, "same", "as str");

		await().atMost(WAIT).until(() -> this.events.size() == 2);
		assertThat(node.keys()).containsExactly("same");
		assertThat(node.get("same")).isEqualTo("as str");
	}

	@ParameterizedTest(name = "request \"*\" as {0}")
	@ValueSource(strings = { "bin", "str" })
	void requestStarShouldBeAnsweredWithPeersAndTheFullState(String encoding) throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> {
		});
		RawPeer peer = connect(node);
		py2pHandshake(peer, node);
		node.set("java_key", "java value");
		node.set(utf8("bin_key"), List.of(1, "two"));
		sendPy2p(peer, Flags.WHISPER, Flags.STORE, utf8("py_key"), utf8("py value"), utf8(OTHER_PY2P_ID), now() - 5);
		await().atMost(WAIT).until(() -> node.size() == 3);

		sendPy2p(peer, Flags.WHISPER, Flags.REQUEST, encoding.equals("bin") ? utf8("*") : "*");

		WireMessage peers = peer.awaitMessage((message) -> message.subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);
		assertThat(peers.msgType()).isEqualTo(Flags.WHISPER);
		assertThat(peers.packet(1)).asInstanceOf(InstanceOfAssertFactories.LIST).isEmpty();
		Map<String, WireMessage> state = new LinkedHashMap<>();
		for (int i = 0; i < 3; i++) {
			WireMessage entry = peer.readFrame(RawPeer.READ_TIMEOUT).message();
			assertFullStateEntry(entry, node);
			state.put(new String((byte[]) Objects.requireNonNull(entry.packet(1)), StandardCharsets.UTF_8), entry);
		}
		assertThat(state).containsOnlyKeys("java_key", "bin_key", "py_key");
		// an owner that arrived as bin goes out as str
		assertThat(body(state.get("py_key")).get(6)).isEqualTo(OTHER_PY2P_ID);
	}

	// ------------------------------------------------------------------ captured py2p
	// frames, replayed

	@Test
	void capturedPy2pPairSessionShouldReplayOntoTheJavaNode() throws IOException {
		// The broadcasts were captured long ago: a clock at the capture time keeps them
		// inside 60 s.
		MutableClock captureClock = new MutableClock(Instant.ofEpochSecond(PAIR_CAPTURE_TIME + 5));
		// maxOutgoing 0: the captured peer list names a port that is not ours to dial.
		SyncSocket node = start(captureClock, (mesh) -> mesh.maxOutgoing(0));
		RawPeer peer = connect(node);
		JsonNode frames = vectors().get("py2p_pair_frames");
		String a = pythonBytes(vectors().at("/interop_runs/2/A_id").asText());
		String b = pythonBytes(vectors().at("/interop_runs/2/B_id").asText());

		peer.sendRaw(frame(frames.get(0))); // B's handshake: ids and protocol id as bin
		peer.awaitMessage((message) -> message.subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);
		peer.sendRaw(frame(frames.get(3))); // B's peers list (zlib), naming A
		peer.sendRaw(frame(frames.get(5))); // B's state: b_key, bin value, bin owner
		peer.sendRaw(frame(frames.get(4))); // A's state: a_key, str value, bin owner
		peer.sendRaw(frame(frames.get(6))); // A's broadcast store "live"
		peer.sendRaw(frame(frames.get(7))); // B's broadcast delta "d"
		peer.sendRaw(frame(frames.get(8))); // A's broadcast nil store "live"

		await().atMost(WAIT).until(() -> this.events.size() == 5);
		assertThat(node.peers()).singleElement().satisfies((p) -> {
			assertThat(p.id()).isEqualTo(b);
			assertThat(p.dialect()).isEqualTo(Peer.Dialect.PY2P);
		});
		assertEvent(this.events.get(0), SyncEvent.Type.UPDATE, "b_key", SyncEvent.Origin.STATE_TRANSFER, b);
		assertEvent(this.events.get(1), SyncEvent.Type.UPDATE, "a_key", SyncEvent.Origin.STATE_TRANSFER, a);
		assertEvent(this.events.get(2), SyncEvent.Type.UPDATE, "live", SyncEvent.Origin.REMOTE, a);
		assertEvent(this.events.get(3), SyncEvent.Type.UPDATE, "d", SyncEvent.Origin.REMOTE, b);
		assertEvent(this.events.get(4), SyncEvent.Type.DELETE, "live", SyncEvent.Origin.REMOTE, a);
		assertThat(this.events.get(2).value()).isEqualTo("from A");

		// The same dictionary py2p node B ended up with, values and metadata.
		assertThat(node.keys()).containsExactlyInAnyOrder("a_key", "b_key", "d");
		assertThat(node.get("a_key")).isEqualTo("set on A");
		assertThat(node.get("b_key")).isEqualTo(utf8("set on B"));
		assertThat(node.getMap("d")).containsExactly(Map.entry("x", 1L));
		JsonNode py2pMeta = vectors().at("/interop_runs/2/B/metadata");
		for (String key : List.of("a_key", "b_key", "d")) {
			JsonNode meta = py2pMeta.get("b'" + key + "'");
			assertThat(node.meta(key)).as(key)
				.isEqualTo(new Metatuple(pythonBytes(meta.get(0).asText()), meta.get(1).asLong()));
		}

		// A's broadcasts are relayed to B byte for byte (B is not their author); B's own
		// delta is not.
		assertThat(node.stats().broadcastsRelayed()).isEqualTo(2);
		WireMessage relayed = peer.awaitMessage((message) -> message.msgType() == Flags.BROADCAST
				&& message.packetCount() == 3 && message.packet(2) == null, RawPeer.READ_TIMEOUT);
		assertThat(HEX.formatHex(relayed.blob()))
			.isEqualTo(frames.get(8).get("checksum_hex").asText() + frames.get(8).get("msgpack_hex").asText());
	}

	@Test
	void capturedPy2pBroadcastShouldBeDroppedAsTooOldWhileItsWhispersApply() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> mesh.maxOutgoing(0));
		RawPeer peer = connect(node);
		JsonNode frames = vectors().get("py2p_pair_frames");
		assertThat(this.clock.instant().getEpochSecond()).isGreaterThan(PAIR_CAPTURE_TIME + 60);

		peer.sendRaw(frame(frames.get(0)));
		peer.awaitMessage((message) -> message.subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);
		peer.sendRaw(frame(frames.get(6))); // broadcast store "live", far older than 60 s
		peer.sendRaw(frame(frames.get(5))); // whisper: no age limit

		await().atMost(WAIT).until(() -> node.containsKey("b_key"));
		assertThat(node.containsKey("live")).isFalse();
		assertThat(node.stats().expiredDropped()).isEqualTo(1);
		assertThat(node.stats().broadcastsRelayed()).isZero();
		assertThat(this.events).hasSize(1);
	}

	@Test
	void capturedPy2pSessionWithARawPeerShouldReplayItsWhisperedState() throws IOException {
		SyncSocket node = start(this.clock, (mesh) -> mesh.maxOutgoing(0));
		RawPeer peer = connect(node);
		JsonNode session = vectors().at("/raw_java_style_peer_vs_py2p/1");
		JsonNode handshake = session.at("/received_before_handshake/0");
		String py2pId = new String((byte[]) body(decode(frame(handshake))).get(4), StandardCharsets.UTF_8);

		peer.sendRaw(frame(handshake));
		peer.awaitMessage((message) -> message.subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);
		// py2p's peer list, which names its receiver (another node) with a str id
		peer.sendRaw(frame(session.at("/received_after_handshake/0")));
		// its full state: py_key, str value, bin owner
		peer.sendRaw(frame(session.at("/received_after_handshake/1")));

		await().atMost(WAIT).until(() -> node.containsKey("py_key"));
		assertThat(node.get("py_key")).isEqualTo("from py2p");
		assertThat(node.meta("py_key")).isEqualTo(new Metatuple(py2pId, 1795687155L));
		assertEvent(this.events.get(0), SyncEvent.Type.UPDATE, "py_key", SyncEvent.Origin.STATE_TRANSFER, py2pId);
		assertThat(peerIds(node)).containsExactly(py2pId);
	}

	// ------------------------------------------------------------------ helpers

	/** Starts the node under test; its sync events are recorded in {@link #events}. */
	private SyncSocket start(MutableClock clock, Consumer<MeshOptions.Builder> mesh) {
		SyncSocket node = startOther(clock, mesh);
		node.addSyncListener(new SyncListener() {

			@Override
			public void onUpdate(SyncEvent event) {
				Py2pEncodingTests.this.events.add(event);
			}

			@Override
			public void onDelete(SyncEvent event) {
				Py2pEncodingTests.this.events.add(event);
			}

		});
		return node;
	}

	/** Starts a socket whose events nobody records. */
	private SyncSocket startOther(MutableClock clock, Consumer<MeshOptions.Builder> mesh) {
		SyncSocket socket = new SyncSocket(SyncOptions.builder().mesh((m) -> {
			m.clock(clock);
			mesh.accept(m);
		}).build());
		this.resources.add(socket);
		return socket.start();
	}

	private RawPeer connect(SyncSocket node) throws IOException {
		RawPeer peer = RawPeer.connect(node);
		this.resources.add(peer);
		return peer;
	}

	private long now() {
		return this.clock.instant().getEpochSecond();
	}

	/** Sends a message encoded as py2p does: the sender id as bin. */
	private void sendPy2p(RawPeer peer, int msgType, @Nullable Object... payload) throws IOException {
		List<@Nullable Object> message = new ArrayList<>();
		message.add(msgType);
		message.add(utf8(peer.id()));
		message.add(now());
		message.addAll(Arrays.asList(payload));
		peer.sendBody(Msgpack.encode(message));
	}

	/**
	 * A py2p handshake (ids and protocol id as bin, py2p's compression list), then, once
	 * the node answered with its peers list, py2p's own peers list: shuffled, ids as bin,
	 * and including the receiver.
	 * @return the node's peers message
	 */
	private WireMessage py2pHandshake(RawPeer peer, SyncSocket node) throws IOException {
		sendPy2p(peer, Flags.WHISPER, Flags.HANDSHAKE, utf8(peer.id()), utf8(node.protocolId()),
				List.of(HOST, peer.localPort()), PY2P_COMPRESSION);
		WireMessage peers = peer.awaitMessage((message) -> message.subFlag() == Flags.PEERS, RawPeer.READ_TIMEOUT);
		sendPy2p(peer, Flags.WHISPER, Flags.PEERS, List.of(List.of(List.of(HOST, peer.localPort()), utf8(peer.id())),
				List.of(List.of(HOST, node.boundAddress().getPort()), utf8(node.id()))));
		return peers;
	}

	/**
	 * A full-state entry as PROTOCOL.md §7.5 says Java sends it: key bin, owner str,
	 * timestamp int.
	 */
	private static void assertFullStateEntry(WireMessage entry, SyncSocket node) {
		assertThat(entry.msgType()).isEqualTo(Flags.WHISPER);
		assertThat(entry.subFlag()).isEqualTo(Flags.STORE);
		assertThat(entry.packetCount()).isEqualTo(5);
		List<?> body = body(entry);
		assertThat(body.get(4)).as("key").isInstanceOf(byte[].class);
		assertThat(body.get(6)).as("owner").isInstanceOf(String.class);
		assertThat(body.get(7)).as("timestamp").isInstanceOf(Long.class);
		byte[] key = (byte[]) body.get(4);
		Metatuple meta = node.meta(key);
		assertThat(meta).isNotNull();
		assertThat(body.get(6)).isEqualTo(meta.owner());
		assertThat(body.get(7)).isEqualTo(meta.timestamp());
		Object value = node.get(key);
		if (value instanceof byte[] bytes) {
			assertThat((byte[]) body.get(5)).isEqualTo(bytes);
		}
		else {
			assertThat(body.get(5)).isEqualTo(value);
		}
	}

	private static void assertEvent(SyncEvent event, SyncEvent.Type type, String key, SyncEvent.Origin origin,
			String owner) {
		assertThat(event.type()).as("type of %s", event).isEqualTo(type);
		assertThat(event.key()).as("key of %s", event).isEqualTo(key);
		assertThat(event.origin()).as("origin of %s", event).isEqualTo(origin);
		assertThat(event.meta().owner()).as("owner of %s", event).isEqualTo(owner);
	}

	private static List<String> peerIds(SyncSocket node) {
		return node.peers().stream().map(Peer::id).toList();
	}

	/**
	 * The whole message body decoded as plain values, so str and bin fields can be told
	 * apart.
	 */
	private static List<?> body(WireMessage message) {
		return (List<?>) Objects.requireNonNull(Msgpack.decode(message.blob(), 32, message.bodyLength()));
	}

	private static WireMessage decode(byte[] frame) {
		try (BlobCodec blobs = new BlobCodec(MeshLimits.DEFAULT_MAX_FRAME_LENGTH)) {
			return MessageCodec.decode(blobs.open(Arrays.copyOfRange(frame, 4, frame.length)));
		}
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** The text inside a Python bytes repr, {@code b'...'}. */
	private static String pythonBytes(String repr) {
		assertThat(repr).startsWith("b'").endsWith("'");
		return repr.substring(2, repr.length() - 1);
	}

	private static byte[] frame(JsonNode record) {
		return HEX.parseHex(record.get("frame_hex").asText());
	}

	private static JsonNode vectors() {
		try (InputStream in = Py2pEncodingTests.class.getResourceAsStream("/vectors/py2p_interop.json")) {
			assertThat(in).as("/vectors/py2p_interop.json on the classpath").isNotNull();
			return MAPPER.readTree(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Calls {@code action} with the JSON path and bytes of every {@code frame_hex} field.
	 */
	private static void collectFrames(JsonNode node, String path, BiConsumer<String, byte[]> action) {
		if (node.isObject()) {
			node.properties().forEach((field) -> {
				if (field.getKey().equals("frame_hex")) {
					action.accept(path, HEX.parseHex(field.getValue().asText()));
				}
				else {
					collectFrames(field.getValue(), path + "/" + field.getKey(), action);
				}
			});
		}
		else if (node.isArray()) {
			for (int i = 0; i < node.size(); i++) {
				collectFrames(node.get(i), path + "/" + i, action);
			}
		}
	}

}
