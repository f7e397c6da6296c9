package io.syncsocket.fuzz;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

import io.syncsocket.Leasing;
import io.syncsocket.LinkFault;
import io.syncsocket.MeshSocket;
import io.syncsocket.Peer;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.fuzz.Frames.Shadow;
import io.syncsocket.fuzz.Messages.Body;
import io.syncsocket.fuzz.MsgpackGen.Packed;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.RawMsgpack;
import io.syncsocket.internal.wire.WireMessage;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded fuzzing of a running {@link SyncSocket} over loopback TCP (PROTOCOL.md §1–7).
 *
 * <p>
 * The node under test (leasing on) has a well-behaved {@link SyncSocket} peer. A raw peer
 * ({@link FuzzPeer}, handshaken with a valid handshake) sends fuzzed streams — random
 * bytes, mutated vector frames, frames with random msgpack in every position, protocol
 * messages with one field changed, and valid stores and deltas on purpose — reconnecting
 * whenever the node closes its link; other raw connections send fuzzed handshakes. Every
 * stream is run through {@link Frames#shadow a Netty-free decode} and a {@link NodeModel
 * reference model} first.
 *
 * <p>
 * After each case: the link is closed exactly when the model says, with exactly the
 * {@link LinkFault}s it predicts (counted in {@link io.syncsocket.MeshStats}), and the
 * node's dictionary — values and metatuples — equals the model's, so it changed only
 * through valid stores and deltas. After each batch: the node still serves (both peers'
 * writes replicate, a new handshake is accepted, the good peer saw no fault). At the end:
 * the good peer holds the same dictionary (before a reconnect for every key the node
 * passed on; after one for all), and nothing was logged at WARN or ERROR (no exception at
 * a pipeline's tail or on the node loop, no Netty leak report). Seed and case counts:
 * {@link FuzzSettings}.
 */
@Tag("slow")
class SocketFuzzTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final int MAX_FRAME = 256 * 1024;

	/**
	 * Generous, so that a pause of the loaded test machine between two writes never looks
	 * like a stall.
	 */
	private static final Duration STALL = Duration.ofSeconds(1);

	private static final int BATCH = 25;

	private static final String BARRIER_KEY = "fz/barrier";

	/**
	 * Keeps tombstones for good: the model does not simulate the node's periodic pruning.
	 */
	private static final Duration TOMBSTONE_RETENTION = Duration.ofSeconds(Long.MAX_VALUE / 2);

	private static final List<String> CATEGORIES = List.of("socket.random-bytes", "socket.vector-mutations",
			"socket.random-positions", "socket.one-field", "socket.valid-sync", "socket.handshakes");

	private static final double[] WEIGHTS = { 0.05, 0.4, 0.3, 0.4, 0.35, 0.15 };

	private final FuzzSettings.Tally tally = new FuzzSettings.Tally("SocketFuzzTests");

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private LogCapture logs;

	private SyncSocket node;

	private SyncSocket good;

	private NodeModel model;

	private final String rawId = "~fuzz-raw";

	private @Nullable FuzzPeer raw;

	private NodeModel.Link rawLink = new NodeModel.Link();

	private long barrier;

	private long startSeconds;

	private int connections;

	private byte[] lastStream = new byte[0];

	private byte[] previousStream = new byte[0];

	private String lastCase = "none";

	private List<Object> keys = List.of();

	private final AtomicLong eventSequence = new AtomicLong();

	/** The node's recent dictionary events per key (hex), for failure messages. */
	private final Map<String, Deque<String>> events = new ConcurrentHashMap<>();

	@BeforeEach
	void startNodes() {
		this.logs = new LogCapture();
		this.node = track(new SyncSocket(SyncOptions.builder()
			.leasing(Leasing.ON)
			.tombstoneRetention(TOMBSTONE_RETENTION)
			.mesh((mesh) -> mesh.port(0)
				.maxOutgoing(0)
				.limits((limits) -> limits.maxFrameLength(MAX_FRAME))
				.timeouts((timeouts) -> timeouts.stall(STALL).handshake(Duration.ofSeconds(30))))
			.build())).start();
		this.good = track(new SyncSocket(SyncOptions.builder()
			.leasing(Leasing.ON)
			.tombstoneRetention(TOMBSTONE_RETENTION)
			.mesh((mesh) -> mesh.port(0).maxOutgoing(0))
			.build())).start();
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
		this.good.connect("127.0.0.1", port());
		await().until(() -> peerIds(this.node).contains(this.good.id()));
		this.model = new NodeModel(this.node.id(), this.node.protocolId(), this.good.id(), Set.of(this.rawId));
		List<Object> pool = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			pool.add("fz/k/" + i);
			pool.add(Frames.utf8("fz/k/" + i));
		}
		pool.add("");
		this.keys = pool;
	}

	@AfterEach
	void closeEverything() throws Exception {
		if (this.raw != null) {
			this.raw.close();
		}
		List<AutoCloseable> reversed = new ArrayList<>(this.closeables);
		Collections.reverse(reversed);
		for (AutoCloseable closeable : reversed) {
			closeable.close();
		}
		this.logs.close();
	}

	@Test
	void fuzzedPeersShouldNeitherHarmTheNodeNorChangeItsDictionaryExceptByValidStores() throws Exception {
		this.startSeconds = nowSeconds();
		List<String> schedule = new ArrayList<>();
		Map<String, SplittableRandom> seeds = new HashMap<>();
		for (int c = 0; c < CATEGORIES.size(); c++) {
			String category = CATEGORIES.get(c);
			int cases = this.tally.plan(category, WEIGHTS[c]);
			seeds.put(category, FuzzSettings.random(category));
			schedule.addAll(Collections.nCopies(cases, category));
		}
		Collections.shuffle(schedule, new Random(FuzzSettings.random("socket.schedule").nextLong()));
		int batches = (schedule.size() + BATCH - 1) / BATCH;
		this.tally.expect("socket.serving-checks", batches);
		int[] perCategory = new int[CATEGORIES.size()];
		for (int i = 0; i < schedule.size(); i++) {
			String category = schedule.get(i);
			int index = perCategory[CATEGORIES.indexOf(category)]++;
			long seed = seeds.get(category).nextLong();
			String previous = this.lastCase;
			this.lastCase = String.format("%s #%d (case seed %d, case %d of the schedule)", category, index, seed, i);
			try {
				long start = System.nanoTime();
				runCase(category, index, new SplittableRandom(seed));
				assertGoodPeerUntouched();
				this.tally.ran(category, System.nanoTime() - start);
			}
			catch (Throwable ex) {
				throw new AssertionError(String.format(
						"fuzz case %s failed (base seed %s; the case before: %s): %s%n input %s%n decoded:%s%n input of the case before %s%n decoded:%s",
						this.lastCase, FuzzSettings.hexSeed(), previous, ex, Frames.hexPrefix(this.lastStream, 1024),
						Frames.shadow(this.lastStream, MAX_FRAME).listing(),
						Frames.hexPrefix(this.previousStream, 1024),
						Frames.shadow(this.previousStream, MAX_FRAME).listing()), ex);
			}
			if ((i + 1) % BATCH == 0 || i == schedule.size() - 1) {
				long start = System.nanoTime();
				assertNodeServes(this.tally.ranOf("socket.serving-checks"));
				this.tally.ran("socket.serving-checks", System.nanoTime() - start);
			}
		}
		for (String category : CATEGORIES) {
			this.tally.done(category);
		}
		this.tally.done("socket.serving-checks");
		long start = System.nanoTime();
		assertPeersConverge();
		this.tally.note(String.format(
				"dictionary at the end: %d keys, %d tombstones, %d keys the good peer learned only "
						+ "from the final reconnect (converged in %d ms); %d connections to the node",
				this.model.size(), this.model.tombstoneCount(), this.model.divergentKeys().size(),
				(System.nanoTime() - start) / 1_000_000, this.connections));
		LogCapture.provokeLeakReports();
		this.tally.print();
		assertThat(this.logs.problems()).as("WARN/ERROR lines from Netty or syncsocket").isEmpty();
	}

	// ---------------------------------------------------------------- cases

	private void runCase(String category, int index, SplittableRandom random) throws Exception {
		if (category.equals("socket.handshakes")) {
			handshakeCase(category, random);
			return;
		}
		FuzzPeer peer = connectedRaw(random);
		Messages.Context context = context(this.rawId, peer.localPort());
		MsgpackGen gen = generator(random, context, List.of(this.good.id(), this.node.id()));
		byte[] stream;
		Shadow shadow;
		do {
			byte[] generated = switch (category) {
				case "socket.random-bytes" -> randomBytes(random);
				case "socket.vector-mutations" -> {
					List<byte[]> vectors = Frames.vectorFrames();
					List<String> applied = new ArrayList<>();
					byte[] mutated = Frames.mutate(vectors.get(index % vectors.size()), random, vectors, MAX_FRAME,
							applied);
					applied.forEach((name) -> this.tally.outcome(category + ".mutations", name));
					yield mutated;
				}
				case "socket.random-positions" -> frames(random, () -> Messages.randomPositions(gen, context));
				case "socket.one-field" -> frames(random, () -> Messages.oneField(gen, context));
				default -> validSync(random, gen);
			};
			stream = completePartialFrame(generated, random);
			shadow = Frames.shadow(stream, MAX_FRAME);
		}
		while (unpredictable(category, shadow));
		this.previousStream = this.lastStream;
		this.lastStream = stream;
		Map<LinkFault, Long> before = this.node.stats().faults();
		Prediction prediction = predict(this.rawLink, shadow);
		write(peer, stream, random);
		if (!prediction.closes()) {
			byte[] frame = barrierFrame(peer);
			this.model.receive(this.rawLink, MessageCodec.decode(Arrays.copyOfRange(frame, 4, frame.length)),
					nowSeconds());
			assertThat(this.rawLink.closed()).as("the barrier store closes the link in the model").isFalse();
			peer.write(frame);
			long expected = this.barrier;
			await().until(() -> barrierApplied(expected) || peer.ended());
			assertThat(peer.ended())
				.as("the node closed the link; the model predicts %s (stream: %s)", prediction.outcome(),
						shadow.describe())
				.isFalse();
		}
		else {
			awaitClosed(peer);
			this.raw = null;
			peer.close();
		}
		assertThat(peer.readError()).as("a frame the node sent did not decode").isNull();
		assertFaults(before, prediction);
		assertDictionaryMatchesModel();
		this.tally.outcome(category, prediction.outcome());
	}

	/**
	 * A new connection sends up to two frames, a handshake with one field changed
	 * (sometimes unchanged), a valid handshake under another id and maybe a user message:
	 * the node must accept the first acceptable handshake, or close the link as the model
	 * says.
	 */
	private void handshakeCase(String category, SplittableRandom random) throws Exception {
		String id = "~fuzz-hs-" + (++this.connections);
		FuzzPeer peer = FuzzPeer.connect(port(), id);
		try {
			Messages.Context context = context(id, peer.localPort());
			MsgpackGen gen = generator(random, context, List.of(this.node.id()));
			byte[] stream;
			Shadow shadow;
			do {
				List<byte[]> frames = new ArrayList<>();
				for (int i = random.nextInt(3); i > 0; i--) {
					frames.add(Frames.frame(Frames.blob(Messages.randomPositions(gen, context).body())));
				}
				List<Packed> handshake = new ArrayList<>(Messages.template("handshake", gen, context));
				if (random.nextInt(5) > 0) {
					int at = random.nextInt(handshake.size());
					handshake.set(at, (random.nextInt(3) == 0) ? gen.interesting() : gen.any());
				}
				frames.add(Frames.frame(Frames.blob(Frames.arrayBody(handshake, random))));
				Messages.Context second = context(id + "-b", peer.localPort());
				frames.add(Frames
					.frame(Frames.blob(Frames.arrayBody(Messages.template("handshake", gen, second), random))));
				if (random.nextBoolean()) {
					frames.add(Frames.frame(
							Frames.blob(Frames.arrayBody(Messages.template("user-broadcast", gen, context), random))));
				}
				stream = completePartialFrame(Frames.concat(frames.toArray(new byte[0][])), random);
				shadow = Frames.shadow(stream, MAX_FRAME);
			}
			while (claimsAConnectedId(shadow) || unpredictable(category, shadow));
			this.previousStream = this.lastStream;
			this.lastStream = stream;
			Map<LinkFault, Long> before = this.node.stats().faults();
			NodeModel.Link link = new NodeModel.Link();
			Prediction prediction = predict(link, shadow);
			write(peer, stream, random);
			if (!prediction.closes()) {
				String accepted = link.peerId;
				assertThat(accepted).as("the model accepts one of the handshakes").isNotNull();
				await().until(() -> peer.peersMessages() > 0 || peer.ended());
				assertThat(peer.ended())
					.as("the node closed the link; the model predicts %s (stream: %s)", prediction.outcome(),
							shadow.describe())
					.isFalse();
				assertThat(peerIds(this.node)).as("peers after the handshake").contains(accepted);
				peer.shutdownOutput();
				await().until(peer::ended);
				loopBarrier();
				await().until(() -> !peerIds(this.node).contains(accepted));
			}
			else {
				awaitClosed(peer);
				if (link.peerId != null) {
					String accepted = link.peerId;
					await().until(() -> !peerIds(this.node).contains(accepted));
				}
			}
			assertThat(peer.readError()).as("a frame the node sent did not decode").isNull();
			assertFaults(before, prediction);
			assertDictionaryMatchesModel();
			this.tally.outcome(category, prediction.outcome());
		}
		finally {
			peer.close();
		}
	}

	/**
	 * Whether a stream holds a message whose effect the model cannot know, so the case is
	 * generated again (counted as "regenerated"):
	 * <ul>
	 * <li>a broadcast {@code request "*"}: the node answers and relays it, and the good
	 * peer answers it too — with its full state, which the node merges while later
	 * messages arrive;</li>
	 * <li>a time within seconds of the 60-second broadcast age limit, or a timestamp that
	 * reaches the one-hour lease expiry while the test runs (say a bit flip in a vector
	 * frame's time): the outcome would depend on the exact second the node handles
	 * it.</li>
	 * </ul>
	 */
	private boolean unpredictable(String category, Shadow shadow) {
		long now = nowSeconds();
		for (WireMessage message : shadow.messages()) {
			if (message.msgType() == 0 && message.subFlag() == 0x08 && message.packetCount() == 2
					&& "*".equals(MessageCodec.nodeIdText(message.packet(1)))) {
				this.tally.outcome(category, "regenerated: broadcast request *");
				return true;
			}
			Long stored = (message.packetCount() == 5) ? MessageCodec.timeValue(message.packet(4)) : null;
			if ((message.time() >= now - 65 && message.time() <= now - 55) || nearLeaseExpiry(message.time())
					|| (stored != null && nearLeaseExpiry(stored))) {
				this.tally.outcome(category, "regenerated: clock-sensitive time");
				return true;
			}
		}
		return false;
	}

	/**
	 * A timestamp whose lease (3600 s) may expire between its arrival and the end of the
	 * test.
	 */
	private boolean nearLeaseExpiry(long timestamp) {
		return timestamp >= this.startSeconds - 3615 && timestamp <= nowSeconds() - 2700;
	}

	/**
	 * A handshake on a fuzz connection may not take over the good peer's or the raw
	 * peer's id (the model cannot tell which link wins).
	 */
	private boolean claimsAConnectedId(Shadow shadow) {
		for (WireMessage message : shadow.messages()) {
			if (message.msgType() != 1 && message.subFlag() == 0x05 && message.packetCount() == 5) {
				String id = MessageCodec.nodeIdText(message.packet(1));
				if (this.good.id().equals(id) || this.rawId.equals(id)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Valid stores and deltas on purpose (PROTOCOL.md §7.2–7.3), some replayed, some
	 * compressed.
	 */
	private byte[] validSync(SplittableRandom random, MsgpackGen gen) {
		List<String> senders = List.of(this.rawId, this.rawId, this.rawId, this.rawId, "~other-a", "1-smaller-id",
				this.good.id(), this.node.id());
		List<byte[]> frames = new ArrayList<>();
		try (BlobCodec codec = new BlobCodec(MAX_FRAME)) {
			for (int i = 1 + random.nextInt(4); i > 0; i--) {
				if (!frames.isEmpty() && random.nextInt(10) == 0) {
					frames.add(frames.get(frames.size() - 1)); // a replay: a duplicate
																// broadcast is dropped
					continue;
				}
				String sender = senders.get(random.nextInt(senders.size()));
				Object key = this.keys.get(random.nextInt(this.keys.size()));
				int op = random.nextInt(10);
				boolean whisper = op == 3 || op == 6 || op == 7 || op == 8;
				long time = whisper ? safeTime(random) : nowSeconds();
				List<Object> payload;
				if (op < 4) {
					Object value = (random.nextInt(10) == 0) ? new RawMsgpack(new byte[] { (byte) 0xc0 })
							: new RawMsgpack(storable(gen::any).bytes());
					payload = List.of(0x0B, key, value);
				}
				else if (op < 7) {
					payload = List.of(0x11, key, new RawMsgpack(storable(gen::map).bytes()));
				}
				else {
					Object value = (random.nextInt(7) == 0) ? new RawMsgpack(new byte[] { (byte) 0xc0 })
							: new RawMsgpack(storable(gen::any).bytes());
					String owner = senders.get(random.nextInt(senders.size()));
					payload = List.of(0x0B, key, value, owner, safeTime(random));
				}
				byte[] blob = MessageCodec.encode(whisper ? 0x02 : 0x00, sender, time, payload);
				int compress = random.nextInt(5);
				frames.add(Frames.frame((compress == 0) ? codec.seal(blob, Compression.ZLIB)
						: (compress == 1) ? codec.seal(blob, Compression.GZIP) : blob));
			}
		}
		return Frames.concat(frames.toArray(new byte[0][]));
	}

	/**
	 * A generated value shallow enough to be a valid packet (the decoder's depth limit is
	 * 128).
	 */
	private static Packed storable(Supplier<Packed> values) {
		Packed value = values.get();
		while (value.depth() > 100) {
			value = values.get();
		}
		return value;
	}

	private static byte[] randomBytes(SplittableRandom random) {
		byte[] bytes = new byte[random.nextInt(2000)];
		random.nextBytes(bytes);
		if (bytes.length >= 4 && random.nextBoolean()) {
			System.arraycopy(Frames.header(random.nextInt(bytes.length)), 0, bytes, 0, 4);
		}
		return bytes;
	}

	/** One to three generated frames, some compressed. */
	private static byte[] frames(SplittableRandom random, Supplier<Body> bodies) {
		List<byte[]> frames = new ArrayList<>();
		try (BlobCodec codec = new BlobCodec(MAX_FRAME)) {
			for (int i = 1 + random.nextInt(3); i > 0; i--) {
				byte[] blob = Frames.blob(bodies.get().body());
				int compress = random.nextInt(6);
				frames.add(Frames.frame((compress == 0) ? codec.seal(blob, Compression.ZLIB)
						: (compress == 1) ? codec.seal(blob, Compression.GZIP) : blob));
			}
		}
		return Frames.concat(frames.toArray(new byte[0][]));
	}

	/**
	 * Usually completes a trailing partial frame with zeros (a blob that fails its
	 * checksum), so the case does not wait for the stall timeout; one time in forty the
	 * stall is left to happen.
	 */
	private static byte[] completePartialFrame(byte[] stream, SplittableRandom random) {
		if (random.nextInt(40) == 0) {
			return stream;
		}
		byte[] out = stream;
		for (int round = 0; round < 3; round++) {
			Shadow shadow = Frames.shadow(out, MAX_FRAME);
			int missing = shadow.missingBytes(out);
			if (missing <= 0) {
				break;
			}
			out = Frames.concat(out, new byte[missing]);
		}
		return out;
	}

	// ---------------------------------------------------------------- prediction

	/**
	 * What the model says a stream does to a link.
	 *
	 * @param closes whether the node closes the link
	 * @param faults exactly the faults counted
	 * @param optional a transport fault that may additionally be counted: one that
	 * follows a message the mesh closed the link for, in bytes the node may or may not
	 * read before closing
	 */
	private record Prediction(boolean closes, Map<LinkFault, Long> faults, @Nullable LinkFault optional,
			String outcome) {
	}

	private Prediction predict(NodeModel.Link link, Shadow shadow) {
		Map<LinkFault, Long> before = new EnumMap<>(LinkFault.class);
		before.putAll(link.faults);
		long now = nowSeconds();
		for (WireMessage message : shadow.messages()) {
			this.model.receive(link, message, now);
		}
		LinkFault optional = null;
		if (link.closed()) {
			optional = shadow.fault();
		}
		else if (shadow.fault() != null) {
			link.fault(shadow.fault());
		}
		else if (shadow.stalls()) {
			link.fault(LinkFault.STALLED_FRAME);
		}
		Map<LinkFault, Long> faults = new EnumMap<>(LinkFault.class);
		link.faults.forEach((fault, count) -> {
			long delta = count - before.getOrDefault(fault, 0L);
			if (delta != 0) {
				faults.put(fault, delta);
			}
		});
		String outcome = link.closed() ? "closed " + link.closedBy
				: faults.isEmpty() ? "accepted" : "ignored " + faults.keySet();
		return new Prediction(link.closed(), faults, optional, outcome);
	}

	private void assertFaults(Map<LinkFault, Long> before, Prediction prediction) {
		Map<LinkFault, Long> after = this.node.stats().faults();
		Map<LinkFault, Long> counted = new EnumMap<>(LinkFault.class);
		for (LinkFault fault : LinkFault.values()) {
			long delta = after.get(fault) - before.get(fault);
			if (delta != 0) {
				counted.put(fault, delta);
			}
		}
		Map<LinkFault, Long> expected = new EnumMap<>(prediction.faults());
		LinkFault optional = prediction.optional();
		if (optional != null && counted.getOrDefault(optional, 0L) == expected.getOrDefault(optional, 0L) + 1) {
			expected.merge(optional, 1L, Long::sum);
		}
		assertThat(counted).as("faults counted by the node (model: %s)", prediction.outcome()).isEqualTo(expected);
	}

	private void assertDictionaryMatchesModel() {
		Map<String, String> expected = this.model.snapshot();
		Map<String, String> actual = NodeModel.snapshot(this.node);
		if (!expected.equals(actual) || this.node.syncStats().tombstones() != this.model.tombstoneCount()) {
			throw new AssertionError("the node's dictionary differs from the model:" + diff(expected, actual)
					+ System.lineSeparator() + "  node: " + this.node.syncStats() + System.lineSeparator() + "  "
					+ this.node.stats() + System.lineSeparator() + "  model: " + this.model.size() + " keys, "
					+ this.model.tombstoneCount() + " tombstones" + histories(expected, actual));
		}
	}

	private void record(SyncEvent event) {
		Deque<String> lines = this.events.computeIfAbsent(Frames.hex(event.keyBytes()),
				(k) -> new ConcurrentLinkedDeque<>());
		lines.addLast("#" + this.eventSequence.incrementAndGet() + " " + event.type() + " " + event.origin() + " by "
				+ event.meta().owner() + " @" + event.meta().timestamp()
				+ (Frames.hex(event.keyBytes()).equals(Frames.hex(Frames.utf8(BARRIER_KEY))) ? " value " + event.value()
						: ""));
		while (lines.size() > 12) {
			lines.pollFirst();
		}
	}

	/** For each key that differs: the model's decisions and the node's events. */
	private String histories(Map<String, String> expected, Map<String, String> actual) {
		StringBuilder out = new StringBuilder();
		Set<String> keys = new TreeSet<>(expected.keySet());
		keys.addAll(actual.keySet());
		for (String key : keys) {
			if (!Objects.equals(expected.get(key), actual.get(key))) {
				out.append(System.lineSeparator()).append("  key ").append(key).append(" model:");
				this.model.history(key)
					.forEach((line) -> out.append(System.lineSeparator()).append("    ").append(line));
				out.append(System.lineSeparator()).append("  key ").append(key).append(" node events:");
				this.events.getOrDefault(key, new ArrayDeque<>())
					.forEach((line) -> out.append(System.lineSeparator()).append("    ").append(line));
			}
		}
		out.append(System.lineSeparator()).append("  barrier events (expected value " + this.barrier + "):");
		this.events.getOrDefault(Frames.hex(Frames.utf8(BARRIER_KEY)), new ArrayDeque<>())
			.forEach((line) -> out.append(System.lineSeparator()).append("    ").append(line));
		return out.toString();
	}

	private static String diff(Map<String, String> expected, Map<String, String> actual) {
		StringBuilder out = new StringBuilder();
		Set<String> keys = new TreeSet<>(expected.keySet());
		keys.addAll(actual.keySet());
		for (String key : keys) {
			String want = expected.get(key);
			String got = actual.get(key);
			if (!Objects.equals(want, got)) {
				out.append(System.lineSeparator())
					.append("  key ")
					.append(key)
					.append(": expected ")
					.append(want)
					.append(", actual ")
					.append(got);
			}
		}
		return out.toString();
	}

	// ---------------------------------------------------------------- the raw peer

	/**
	 * The raw peer, connected and handshaken; reconnects after the node closed the last
	 * link.
	 */
	private FuzzPeer connectedRaw(SplittableRandom random) throws Exception {
		FuzzPeer peer = this.raw;
		if (peer != null) {
			assertThat(peer.ended()).as("the node closed the raw peer's link between cases").isFalse();
			return peer;
		}
		peer = FuzzPeer.connect(port(), this.rawId);
		this.connections++;
		List<List<Integer>> lists = List.of(List.of(0x13, 0x11), List.of(0x11), List.of(), List.of(0x13));
		peer.write(peer.handshakeFrame(this.node.protocolId(), lists.get(random.nextInt(lists.size())), nowSeconds()));
		FuzzPeer connecting = peer;
		await().until(() -> connecting.peersMessages() > 0 || connecting.ended());
		assertThat(peer.ended()).as("the node closed a valid handshake's link").isFalse();
		peer.write(peer.frame(0x02, nowSeconds(), List.of(0x07, List.of())));
		this.rawLink = new NodeModel.Link();
		this.rawLink.peerId = this.rawId;
		this.raw = peer;
		return peer;
	}

	private byte[] barrierFrame(FuzzPeer peer) {
		this.barrier++;
		return peer.frame(0x00, nowSeconds(), List.of(0x0B, Frames.utf8(BARRIER_KEY), this.barrier));
	}

	private boolean barrierApplied(long value) {
		return this.node.get(BARRIER_KEY) instanceof Long stored && stored == value;
	}

	private static void write(FuzzPeer peer, byte[] stream, SplittableRandom random) {
		for (byte[] chunk : Frames.split(stream, random)) {
			if (!peer.write(chunk)) {
				return;
			}
		}
	}

	/**
	 * Waits until the node closed the link, then until its node loop has handled
	 * everything the link delivered.
	 */
	private void awaitClosed(FuzzPeer peer) {
		await().until(peer::ended);
		loopBarrier();
		if (peerIds(this.node).contains(peer.id())) {
			await().until(() -> !peerIds(this.node).contains(peer.id()));
		}
	}

	/**
	 * Returns once the node loop has run every task queued before: a blocking call on the
	 * loop that changes nothing (disconnecting a peer that does not exist). Everything a
	 * link delivered before the node closed it was queued before the close became
	 * visible.
	 */
	private void loopBarrier() {
		assertThat(this.node.disconnect("~no-such-peer")).isFalse();
	}

	// ---------------------------------------------------------------- serving

	/**
	 * The good peer is still connected and has counted no fault that closes a link
	 * (checked after every case; a relayed message reaches it asynchronously, so a fault
	 * may show one case late). Relayed broadcasts with unknown sub-flags are merely
	 * ignored and counted there.
	 */
	private void assertGoodPeerUntouched() {
		assertThat(this.good.stats().faults()).as("faults counted by the good peer")
			.allSatisfy((fault, count) -> assertThat(fault.closesLink() ? count : 0L)
				.as("%s faults counted by the good peer", fault)
				.isZero());
		assertThat(peerIds(this.node)).as("the node's peers").contains(this.good.id());
	}

	/**
	 * Both peers' writes replicate, the good peer is untouched, a new handshake is
	 * accepted.
	 */
	private void assertNodeServes(int check) throws Exception {
		assertThat(this.node.state()).isEqualTo(MeshSocket.State.RUNNING);
		assertThat(peerIds(this.node)).contains(this.good.id());
		assertThat(peerIds(this.good)).containsExactly(this.node.id());
		assertThat(this.good.stats().linkErrors()).as("faults seen by the good peer").isZero();
		assertThat(this.node.stats().faults(LinkFault.IO_ERROR)).as("I/O errors on the node").isZero();

		String goodKey = "good/" + check;
		List<Object> goodValue = List.of("from the good peer", (long) check);
		this.good.set(goodKey, goodValue);
		await().until(() -> MsgpackGen.deepEquals(this.node.get(goodKey), goodValue));
		this.model.written(goodKey, goodValue, Objects.requireNonNull(this.good.meta(goodKey)));

		String nodeKey = "node/" + check;
		this.node.set(nodeKey, (long) check);
		await().until(() -> Long.valueOf(check).equals(this.good.get(nodeKey)));
		this.model.written(nodeKey, (long) check, Objects.requireNonNull(this.node.meta(nodeKey)));

		String id = "~fuzz-check-" + (++this.connections);
		try (FuzzPeer peer = FuzzPeer.connect(port(), id)) {
			peer.write(peer.handshakeFrame(this.node.protocolId(), List.of(0x13, 0x11), nowSeconds()));
			await().until(() -> peer.peersMessages() > 0 || peer.ended());
			assertThat(peer.ended()).as("a new, valid handshake was refused").isFalse();
			assertThat(peerIds(this.node)).contains(id);
			peer.shutdownOutput();
			await().until(peer::ended);
			await().until(() -> !peerIds(this.node).contains(id));
			assertThat(peer.readError()).isNull();
		}
		assertDictionaryMatchesModel();
	}

	/**
	 * The good peer holds the node's dictionary: at once for every key the node passed
	 * on, and for all keys after a reconnect (a full state exchange).
	 */
	private void assertPeersConverge() {
		Set<String> divergent = this.model.divergentKeys();
		await().untilAsserted(() -> {
			Map<String, String> nodeView = new TreeMap<>(NodeModel.snapshot(this.node));
			Map<String, String> goodView = new TreeMap<>(NodeModel.snapshot(this.good));
			nodeView.keySet().removeAll(divergent);
			goodView.keySet().removeAll(divergent);
			assertThat(goodView).as("the good peer's dictionary (keys the node passed on)" + diff(nodeView, goodView))
				.isEqualTo(nodeView);
		});
		assertThat(this.good.disconnect(this.node.id())).isTrue();
		await().until(() -> !peerIds(this.node).contains(this.good.id()));
		this.good.connect("127.0.0.1", port());
		await().untilAsserted(() -> {
			Map<String, String> nodeView = NodeModel.snapshot(this.node);
			Map<String, String> goodView = NodeModel.snapshot(this.good);
			assertThat(goodView).as("the good peer's dictionary after a reconnect" + diff(nodeView, goodView))
				.isEqualTo(nodeView);
		});
		assertThat(this.good.stats().linkErrors()).as("faults seen by the good peer").isZero();
	}

	// ---------------------------------------------------------------- helpers

	private MsgpackGen generator(SplittableRandom random, Messages.Context context, List<String> ids) {
		return new MsgpackGen(random, Messages.interesting(context, ids), forbidden());
	}

	private Messages.Context context(String sender, int port) {
		return new Messages.Context(sender, this.node.protocolId(), port, this.keys,
				List.of(this.rawId, "~other-a", "1-smaller-id", this.good.id(), this.node.id()),
				SocketFuzzTests::nowSeconds);
	}

	/**
	 * Integer values the generators avoid, because the node's decision on them depends on
	 * the exact second it runs (the model cannot know it): message times within 15 s of
	 * the 60-second age limit, timestamps that reach the 3600-second lease expiry during
	 * the test (or within 15 minutes of generation, so long runs stay exact), and
	 * timestamps so negative that the (long) tombstone retention would prune them.
	 */
	private LongPredicate forbidden() {
		long start = this.startSeconds;
		return (value) -> {
			long now = nowSeconds();
			return (value >= now - 75 && value <= now - 45) || (value >= start - 3615 && value <= now - 2700)
					|| value < -(1L << 62);
		};
	}

	/**
	 * A timestamp safe to stamp on whispers and state entries: now, later, earlier, or
	 * long expired.
	 */
	private long safeTime(SplittableRandom random) {
		long now = nowSeconds();
		return switch (random.nextInt(4)) {
			case 0 -> now;
			case 1 -> now + random.nextLong(1, 600);
			case 2 -> now - random.nextLong(100, 2400);
			default -> this.startSeconds - 4000 - random.nextLong(0, 100_000);
		};
	}

	private static long nowSeconds() {
		return System.currentTimeMillis() / 1000;
	}

	private int port() {
		return this.node.boundAddress().getPort();
	}

	private static List<String> peerIds(MeshSocket socket) {
		return socket.peers().stream().map(Peer::id).toList();
	}

	private <T extends AutoCloseable> T track(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	/** Every wait is bounded; polling starts at once, in the test thread. */
	private static ConditionFactory await() {
		return Awaitility.await()
			.atMost(WAIT)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(1))
			.pollInSameThread();
	}

}
