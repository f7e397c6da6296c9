package io.syncsocket.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.LinkFault;
import io.syncsocket.MeshOptions;
import io.syncsocket.MeshSocket;
import io.syncsocket.Message;
import io.syncsocket.Peer;
import io.syncsocket.Protocol;
import io.syncsocket.TestResources;
import io.syncsocket.interop.Js2pNode.Kind;
import io.syncsocket.interop.Js2pNode.Leasing;
import io.syncsocket.interop.Js2pNode.Options;
import org.assertj.core.data.Offset;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.syncsocket.interop.Js2pNode.HOST;
import static io.syncsocket.interop.Js2pNode.bin;
import static io.syncsocket.interop.Js2pNode.integer;
import static io.syncsocket.interop.Js2pNode.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Java {@link MeshSocket} against real js2p 0.7.870 nodes over loopback TCP
 * (PROTOCOL.md §5, §6, §11.1): handshakes in both directions, protocol mismatch, user
 * broadcasts and whispers, relaying between js2p nodes, following a js2p peer list, zlib
 * on the wire, and {@code request "*"} in both directions.
 *
 * <p>
 * Everything binds to 127.0.0.1 on ephemeral ports. js2p only sends to peers in its
 * routing table, which it fills when the other side's handshake arrives, so a test waits
 * for js2p to list a Java node before js2p sends to it. The driver's {@code request} and
 * {@code peers_sent} events make js2p's side of {@code request "*"} visible.
 *
 * <p>
 * A js2p SyncSocket speaks subnet {@code sync1} (leasing omitted); a plain Java mesh
 * socket joins it with {@code Protocol.of("sync1")}. A js2p MeshSocket speaks
 * {@code mesh}, the Java default.
 */
@Tag("slow")
class MeshInteropTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long to watch for something that must not happen (a duplicate, a registration).
	 */
	private static final Duration QUIET = Duration.ofMillis(1500);

	@RegisterExtension
	final TestResources resources = new TestResources();

	@BeforeEach
	void assumeJs2p() {
		Js2pNode.assumeAvailable();
	}

	// ------------------------------------------------------------------ handshakes

	@ParameterizedTest(name = "{0}")
	@EnumSource(Kind.class)
	void javaShouldDialJs2pAndBothShouldRegisterEachOther(Kind kind) {
		Js2pNode js2p = startJs2p(kind);
		MeshSocket java = startJava(protocolFor(kind));

		Peer peer = java.connect(HOST, js2p.port());

		assertThat(peer.id()).isEqualTo(js2p.id());
		assertThat(peer.direction()).isEqualTo(Peer.Direction.OUTBOUND);
		assertThat(peer.address().getHostString()).isEqualTo(HOST);
		assertThat(peer.address().getPort()).isEqualTo(js2p.port());
		assertThat(peer.compression()).isEqualTo("zlib");
		assertThat(java.peers()).extracting(Peer::id).containsExactly(js2p.id());
		JsonNode entry = awaitJs2pPeer(js2p, java.id());
		assertThat(entry.path("host").asText()).isEqualTo(java.advertisedAddress().getHostString());
		assertThat(entry.path("port").asInt()).isEqualTo(java.advertisedAddress().getPort());
		assertThat(entry.path("outgoing").asBoolean()).isFalse();
		js2p.awaitEvent(Js2pNode.isEvent("connect"), TIMEOUT);
		assertNoLinkErrors(java, js2p);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Kind.class)
	void js2pShouldDialJavaAndBothShouldRegisterEachOther(Kind kind) {
		Js2pNode js2p = startJs2p(kind);
		MeshSocket java = startJava(protocolFor(kind));

		js2p.connect(HOST, java.boundAddress().getPort());

		Peer peer = awaitJavaPeer(java, js2p.id());
		assertThat(peer.direction()).isEqualTo(Peer.Direction.INBOUND);
		assertThat(peer.address().getHostString()).isEqualTo(HOST);
		assertThat(peer.address().getPort()).isEqualTo(js2p.port());
		assertThat(peer.compression()).isEqualTo("zlib");
		JsonNode entry = awaitJs2pPeer(js2p, java.id());
		assertThat(entry.path("host").asText()).isEqualTo(java.advertisedAddress().getHostString());
		assertThat(entry.path("port").asInt()).isEqualTo(java.advertisedAddress().getPort());
		assertThat(entry.path("outgoing").asBoolean()).isTrue();
		assertThat(js2p.peers()).hasSize(1);
		assertNoLinkErrors(java, js2p);
	}

	@Test
	void javaDialingJs2pOnAnotherSubnetShouldBeRefusedByBoth() {
		Js2pNode js2p = startJs2p(Options.sync().withLeasing(Leasing.FALSE));
		MeshSocket java = startJava(Protocol.of("sync1"));
		assertThat(js2p.protocolId()).isNotEqualTo(java.protocolId());

		CompletableFuture<Peer> connect = java.connectAsync(HOST, js2p.port());

		assertThat(connect).failsWithin(TIMEOUT);
		await().atMost(TIMEOUT).until(() -> java.stats().faults(LinkFault.PROTOCOL_MISMATCH) == 1);
		assertStaysUnregistered(java, js2p);
	}

	@Test
	void js2pDialingJavaOnAnotherSubnetShouldBeRefusedByBoth() {
		Js2pNode js2p = startJs2p(Options.sync().withLeasing(Leasing.FALSE));
		MeshSocket java = startJava(Protocol.of("sync1"));

		js2p.connect(HOST, java.boundAddress().getPort());

		await().atMost(TIMEOUT).until(() -> java.stats().faults(LinkFault.PROTOCOL_MISMATCH) == 1);
		assertStaysUnregistered(java, js2p);
	}

	// ------------------------------------------------------------------ user messages

	@Test
	void js2pBroadcastShouldReachJavaWithoutTheSubFlag() {
		Js2pNode js2p = startJs2p(Kind.MESH);
		MeshSocket java = startJava(protocolFor(Kind.MESH));
		linkJs2pToJava(js2p, java);

		js2p.send(List.of(str("hello"), bin("x".getBytes(StandardCharsets.UTF_8))));

		Message message = java.recv(TIMEOUT);
		assertThat(message).isNotNull();
		assertThat(message.sender()).isEqualTo(js2p.id());
		assertThat(message.whisper()).isFalse();
		assertThat(message.time()).isCloseTo(Instant.now().getEpochSecond(), Offset.offset(5L));
		assertThat(message.id()).hasSize(64);
		assertThat(message.packets()).hasSize(2);
		assertThat(message.packets().get(0)).isEqualTo("hello");
		assertThat((byte[]) message.packets().get(1)).containsExactly('x');
	}

	@Test
	void javaBroadcastShouldReachJs2pWithTheSubFlag() {
		Js2pNode js2p = startJs2p(Kind.SYNC);
		MeshSocket java = startJava(protocolFor(Kind.SYNC));
		linkJavaToJs2p(java, js2p);

		java.send("hello", 42, new byte[] { 1, 2 });

		JsonNode message = js2p.awaitEvent(Js2pNode.isMessage(), TIMEOUT);
		assertThat(message.path("flag").asInt()).isEqualTo(0);
		assertThat(message.path("sender").asText()).isEqualTo(java.id());
		assertThat(message.get("packets")).containsExactly(integer(0), str("hello"), integer(42),
				bin(new byte[] { 1, 2 }));
	}

	@Test
	void javaWhisperShouldReachJs2pAsWhisper() {
		Js2pNode js2p = startJs2p(Kind.MESH);
		MeshSocket java = startJava(protocolFor(Kind.MESH));
		linkJavaToJs2p(java, js2p);

		assertThat(java.whisper(js2p.id(), "psst", 7)).isTrue();

		JsonNode message = js2p.awaitEvent(Js2pNode.isMessage(), TIMEOUT);
		assertThat(message.path("flag").asInt()).isEqualTo(2);
		assertThat(message.path("sender").asText()).isEqualTo(java.id());
		assertThat(message.get("packets")).containsExactly(integer(2), str("psst"), integer(7));
		assertThat(java.whisper("no-such-peer", "psst")).isFalse();
	}

	@Test
	void js2pWhisperShouldReachJavaAsWhisper() {
		Js2pNode js2p = startJs2p(Kind.SYNC);
		MeshSocket java = startJava(protocolFor(Kind.SYNC));
		linkJavaToJs2p(java, js2p);

		js2p.send(List.of(str("psst")), 0x02, 0x02);

		Message message = java.recv(TIMEOUT);
		assertThat(message).isNotNull();
		assertThat(message.sender()).isEqualTo(js2p.id());
		assertThat(message.whisper()).isTrue();
		assertThat(message.packets()).containsExactly("psst");
	}

	// ------------------------------------------------------------------ relaying

	@Test
	void javaShouldRelayBroadcastsBetweenJs2pNodesOnce() {
		MeshSocket java = startJava(protocolFor(Kind.MESH));
		List<Message> javaReceived = new CopyOnWriteArrayList<>();
		java.addMessageListener(javaReceived::add);
		Js2pNode a = startJs2p(Kind.MESH);
		Js2pNode b = startJs2p(Kind.MESH);
		linkJs2pToJava(a, java);
		linkJs2pToJava(b, java);
		// a line: js2p never dials a second peer on the same host, so A and B only know
		// Java
		assertThat(a.peers()).hasSize(1);
		assertThat(b.peers()).hasSize(1);

		a.send(List.of(str("from A")));

		JsonNode atB = b.awaitEvent(isMessageWith(str("from A")), TIMEOUT);
		assertThat(atB.path("sender").asText()).isEqualTo(a.id());
		assertThat(atB.path("flag").asInt()).isEqualTo(0);
		await().atMost(TIMEOUT).until(() -> countMessages(javaReceived, "from A") == 1);

		b.send(List.of(str("from B")));

		JsonNode atA = a.awaitEvent(isMessageWith(str("from B")), TIMEOUT);
		assertThat(atA.path("sender").asText()).isEqualTo(b.id());
		await().atMost(TIMEOUT).until(() -> countMessages(javaReceived, "from B") == 1);

		// Each js2p node relays what it gets back to Java (js2p excludes only the
		// author), so Java sees each broadcast twice and must drop the echo instead of
		// relaying it again.
		await().during(QUIET).atMost(QUIET.plus(TIMEOUT)).untilAsserted(() -> {
			assertThat(countJs2pMessages(b, str("from A"))).isEqualTo(1);
			assertThat(countJs2pMessages(a, str("from B"))).isEqualTo(1);
			assertThat(countJs2pMessages(a, str("from A"))).isZero();
			assertThat(countJs2pMessages(b, str("from B"))).isZero();
			assertThat(countMessages(javaReceived, "from A")).isEqualTo(1);
			assertThat(countMessages(javaReceived, "from B")).isEqualTo(1);
			assertThat(java.stats().duplicatesDropped()).isEqualTo(2);
		});
		assertThat(java.stats().broadcastsRelayed()).isEqualTo(2);
		assertThat(javaReceived).extracting(Message::sender).containsExactly(a.id(), b.id());
		assertNoLinkErrors(java, a, b);
	}

	@Test
	void javaShouldFollowJs2pPeerListAndTakeBroadcastsArrivingTwiceOnce() {
		Js2pNode a = startJs2p(Kind.MESH);
		Js2pNode b = startJs2p(Kind.MESH);
		b.connect(HOST, a.port());
		awaitJs2pPeer(a, b.id());
		awaitJs2pPeer(b, a.id());
		MeshSocket java = startJava(protocolFor(Kind.MESH));
		List<Message> javaReceived = new CopyOnWriteArrayList<>();
		java.addMessageListener(javaReceived::add);

		linkJavaToJs2p(java, a);

		// A's peers list names B; Java dials it with B's id as expected id
		Peer followed = awaitJavaPeer(java, b.id());
		assertThat(followed.direction()).isEqualTo(Peer.Direction.OUTBOUND);
		assertThat(followed.address().getPort()).isEqualTo(b.port());
		assertThat(awaitJs2pPeer(b, java.id()).path("outgoing").asBoolean()).isFalse();

		// a triangle now: B's broadcast reaches Java directly and relayed by A
		b.send(List.of(str("from B")));

		Message message = java.recv(TIMEOUT);
		assertThat(message).isNotNull();
		assertThat(message.sender()).isEqualTo(b.id());
		assertThat(message.packets()).containsExactly("from B");
		await().during(QUIET).atMost(QUIET.plus(TIMEOUT)).untilAsserted(() -> {
			assertThat(countMessages(javaReceived, "from B")).isEqualTo(1);
			assertThat(countJs2pMessages(a, str("from B"))).isEqualTo(1);
			assertThat(java.stats().duplicatesDropped()).isEqualTo(1);
		});
		assertNoLinkErrors(java, a, b);
	}

	// ------------------------------------------------------------------ compression

	@Test
	void largeMessagesShouldCrossZlibCompressedInBothDirections() throws IOException {
		Js2pNode js2p = startJs2p(Kind.MESH);
		MeshSocket java = startJava(protocolFor(Kind.MESH));
		CountingProxy proxy = register(new CountingProxy(js2p.port()));
		Peer peer = java.connect(HOST, proxy.port());
		assertThat(peer.id()).isEqualTo(js2p.id());
		assertThat(peer.compression()).isEqualTo("zlib");
		awaitJs2pPeer(js2p, java.id());
		String large = "syncsocket speaks zlib with js2p. ".repeat(3000);
		assertThat(large.length()).isGreaterThan(100_000);

		js2p.send(List.of(str(large)));
		Message fromJs2p = java.recv(TIMEOUT);
		java.send(large, new byte[] { 0, 1, 2 });
		JsonNode toJs2p = js2p.awaitEvent(Js2pNode.isMessage(), TIMEOUT);

		assertThat(fromJs2p).isNotNull();
		assertThat(fromJs2p.packets()).containsExactly(large);
		assertThat(toJs2p.get("packets")).containsExactly(integer(0), str(large), bin(new byte[] { 0, 1, 2 }));
		// 100 KB went each way; on the wire both directions stay far below that only if
		// compressed
		assertThat(proxy.bytesToTarget()).isBetween(1L, 20_000L);
		assertThat(proxy.bytesFromTarget()).isBetween(1L, 20_000L);
		assertNoLinkErrors(java, js2p);
	}

	// ------------------------------------------------------------------ request "*"

	@Test
	void javaShouldAnswerRequestAllAndAskJs2pThatDialedWithAnExpectedId() {
		MeshSocket hub = startJava(MeshOptions.builder()
			.bindAddress(HOST)
			.port(0)
			.timeouts((timeouts) -> timeouts.peerRequestDelay(Duration.ofMillis(300))));
		Js2pNode js2p = startJs2p(Kind.MESH);
		linkJs2pToJava(js2p, hub);
		// A second Java node, advertised as "localhost": js2p skips peer-list entries
		// whose host or port equals one of its peers', so only a different host text lets
		// it follow one here. maxOutgoing 0 keeps this node from dialing js2p itself when
		// the hub names it.
		MeshSocket leaf = startJava(MeshOptions.builder()
			.bindAddress(HOST)
			.port(0)
			.outAddress("localhost", 0)
			.maxOutgoing(0)
			.timeouts((timeouts) -> timeouts.peerRequestDelay(Duration.ofMillis(300))));
		leaf.connect(HOST, hub.boundAddress().getPort());
		// connect returns once the leaf has the hub's handshake; the hub's answer below
		// names the leaf only once the hub has the leaf's (CI found the request first)
		awaitJavaPeer(hub, leaf.id());
		assertThat(js2p.peers()).hasSize(1);

		// js2p never sends request "*" by itself; send(packets, flag, type) builds
		// whisper [0x08, "*"]
		js2p.send(List.of(str("*")), 0x02, 0x08);

		// The hub answers with a peers list naming the leaf; js2p follows it with the
		// leaf's id as expected id.
		JsonNode entry = awaitJs2pPeer(js2p, leaf.id());
		assertThat(entry.path("outgoing").asBoolean()).isTrue();
		assertThat(entry.path("host").asText()).isEqualTo("localhost");
		assertThat(entry.path("port").asInt()).isEqualTo(leaf.boundAddress().getPort());
		Peer atLeaf = awaitJavaPeer(leaf, js2p.id());
		assertThat(atLeaf.direction()).isEqualTo(Peer.Direction.INBOUND);
		assertThat(atLeaf.compression()).isEqualTo("zlib");
		// A link dialed with an expected id gets no peers list from js2p, so the leaf
		// asks for it.
		JsonNode request = js2p.awaitEvent(isEventFor("request", "from", leaf), TIMEOUT);
		assertThat(request.path("flag").asInt()).isEqualTo(0x02);
		assertThat(request.path("packets")).hasSize(2);
		assertThat(Js2pNode.text(request.path("packets").get(1))).isEqualTo("*");
		js2p.awaitEvent(isEventFor("peers_sent", "to", leaf), TIMEOUT);

		// and the followed link carries user messages
		leaf.send("via the followed link");
		JsonNode atJs2p = js2p.awaitEvent(isMessageWith(str("via the followed link")), TIMEOUT);
		assertThat(atJs2p.path("sender").asText()).isEqualTo(leaf.id());
		// js2p sent its peers list on the link it dialed without an id, so the hub never
		// asked
		assertThat(js2p.events()).noneMatch(isEventFor("request", "from", hub));
		assertNoLinkErrors(hub, js2p);
		assertNoLinkErrors(leaf);
	}

	// ------------------------------------------------------------------ helpers

	private Js2pNode startJs2p(Kind kind) {
		return startJs2p((kind == Kind.SYNC) ? Options.sync() : Options.mesh());
	}

	private Js2pNode startJs2p(Options options) {
		return register(Js2pNode.start(options));
	}

	/** The Java protocol matching a default js2p node of this kind. */
	private static Protocol protocolFor(Kind kind) {
		return Protocol.of((kind == Kind.SYNC) ? "sync1" : "mesh");
	}

	private MeshSocket startJava(Protocol protocol) {
		return startJava(MeshOptions.builder().bindAddress(HOST).port(0).protocol(protocol));
	}

	private MeshSocket startJava(MeshOptions.Builder options) {
		return register(new MeshSocket(options.build())).start();
	}

	private <T extends AutoCloseable> T register(T resource) {
		this.resources.add(resource);
		return resource;
	}

	/**
	 * Java dials js2p; returns once both have registered the link (only then does js2p
	 * send to Java).
	 */
	private static void linkJavaToJs2p(MeshSocket java, Js2pNode js2p) {
		java.connect(HOST, js2p.port());
		awaitJs2pPeer(js2p, java.id());
	}

	/** js2p dials Java; returns once both have registered the link. */
	private static void linkJs2pToJava(Js2pNode js2p, MeshSocket java) {
		js2p.connect(HOST, java.boundAddress().getPort());
		awaitJavaPeer(java, js2p.id());
		awaitJs2pPeer(js2p, java.id());
	}

	private static Peer awaitJavaPeer(MeshSocket java, String id) {
		return await().atMost(TIMEOUT)
			.until(() -> java.peers().stream().filter((peer) -> peer.id().equals(id)).findFirst().orElse(null),
					(peer) -> peer != null);
	}

	/**
	 * js2p's routing-table entry for {@code id}, once its handshake has given it an
	 * address.
	 */
	private static JsonNode awaitJs2pPeer(Js2pNode js2p, String id) {
		return await().atMost(TIMEOUT)
			.until(() -> js2pPeer(js2p, id), (entry) -> entry != null && entry.hasNonNull("port"));
	}

	private static @Nullable JsonNode js2pPeer(Js2pNode js2p, String id) {
		for (JsonNode entry : js2p.peers()) {
			if (id.equals(entry.path("id").asText())) {
				return entry;
			}
		}
		return null;
	}

	private static void assertStaysUnregistered(MeshSocket java, Js2pNode js2p) {
		await().during(QUIET).atMost(QUIET.plus(TIMEOUT)).untilAsserted(() -> {
			assertThat(java.peers()).isEmpty();
			assertThat(js2pPeer(js2p, java.id())).isNull();
		});
		assertThat(js2p.events()).noneMatch(Js2pNode.isEvent("connect"));
		assertThat(java.stats().faults(LinkFault.PROTOCOL_MISMATCH)).isEqualTo(1);
	}

	private static void assertNoLinkErrors(MeshSocket java, Js2pNode... js2pNodes) {
		assertThat(java.stats().linkErrors()).as("Java link errors: %s", java.stats().faults()).isZero();
		for (Js2pNode js2p : js2pNodes) {
			assertThat(js2p.status().path("exceptions")).as("%s exceptions", js2p).isEmpty();
			assertThat(js2p.events()).noneMatch(Js2pNode.isEvent("link_error").or(Js2pNode.isEvent("error")));
		}
	}

	private static Predicate<JsonNode> isMessageWith(JsonNode typedPacket) {
		return Js2pNode.isMessage().and((event) -> {
			JsonNode packets = event.path("packets");
			return packets.size() == 2 && packets.get(1).equals(typedPacket);
		});
	}

	/** Matches driver events {@code name} whose {@code field} names the Java node. */
	private static Predicate<JsonNode> isEventFor(String name, String field, MeshSocket java) {
		return Js2pNode.isEvent(name).and((event) -> java.id().equals(event.path(field).asText()));
	}

	private static long countJs2pMessages(Js2pNode js2p, JsonNode typedPacket) {
		return js2p.events().stream().filter(isMessageWith(typedPacket)).count();
	}

	private static long countMessages(List<Message> messages, String text) {
		return messages.stream().filter((message) -> message.packets().equals(List.of(text))).count();
	}

	/**
	 * A loopback TCP proxy to one target port that counts the bytes it forwards each way,
	 * to see what really crosses the wire. Plain blocking sockets, one thread per
	 * direction.
	 */
	private static final class CountingProxy implements AutoCloseable {

		private final ServerSocket server;

		private final int targetPort;

		private final AtomicLong toTarget = new AtomicLong();

		private final AtomicLong fromTarget = new AtomicLong();

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private final List<Thread> threads = new CopyOnWriteArrayList<>();

		CountingProxy(int targetPort) throws IOException {
			this.targetPort = targetPort;
			this.server = new ServerSocket(0, 4, InetAddress.getByName(HOST));
			start("proxy-accept", this::accept);
		}

		int port() {
			return this.server.getLocalPort();
		}

		long bytesToTarget() {
			return this.toTarget.get();
		}

		long bytesFromTarget() {
			return this.fromTarget.get();
		}

		private void accept() {
			try {
				while (!this.server.isClosed()) {
					Socket client = this.server.accept();
					this.sockets.add(client);
					Socket target = new Socket(HOST, this.targetPort);
					this.sockets.add(target);
					start("proxy-to-target", () -> pump(client, target, this.toTarget));
					start("proxy-from-target", () -> pump(target, client, this.fromTarget));
				}
			}
			catch (IOException ex) {
				// closed
			}
		}

		private static void pump(Socket from, Socket to, AtomicLong counter) {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					out.write(buffer, 0, read);
					out.flush();
					counter.addAndGet(read);
				}
			}
			catch (SocketException ex) {
				// one side closed
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}

		private void start(String name, Runnable task) {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}

		@Override
		public void close() throws InterruptedException {
			closeQuietly(this.server);
			this.sockets.forEach(CountingProxy::closeQuietly);
			for (Thread thread : this.threads) {
				thread.join(TIMEOUT.toMillis());
			}
		}

		private static void closeQuietly(AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// nothing to do
			}
		}

	}

}
