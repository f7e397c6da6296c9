package io.syncsocket.testkit;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncsocket.LeaseHeldException;
import io.syncsocket.Leasing;
import io.syncsocket.MeshCompression;
import io.syncsocket.MeshOptions;
import io.syncsocket.MeshStats;
import io.syncsocket.Peer;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.SyncSocketException;
import io.syncsocket.ValueTypeException;
import io.syncsocket.testkit.ChildLoop.Refusal;
import org.jspecify.annotations.Nullable;

/**
 * The {@code main} of one syncsocket node in its own JVM, for the fault tests and the
 * benchmark: one {@link SyncSocket} driven over the child-node protocol (commands in
 * {@link ChildNode}'s documentation).
 *
 * <pre>
 * --name N  --bind A (127.0.0.1)  --port P (0)  --leasing on|off|js2p (or ON|OFF|JS2P_DEFAULT)
 * --seed host:port (repeatable)  --node-id ID  --seed-retry-ms initial,max
 * --handshake-timeout-ms T  --stall-timeout-ms T  --max-outgoing N  --io-threads N
 * --compression on|off|default   on: every frame compressed; off: none advertised
 * --record true                  keep what the fault tests ask for (set, delta, del, snapshot, history)
 * </pre>
 *
 * An option not given keeps {@link SyncOptions}' default. A fixed port that is still
 * taken (a restart on the port of a killed process) is retried for 10 s.
 *
 * <p>
 * Threading: commands run on the main thread. The update listener of {@code arm} runs on
 * the node loop and only tests the prefix, counts and stamps (it is on the measured path,
 * the control channel is not); the {@link Recorder} listens only with {@code --record}.
 * EOF on stdin closes the socket and exits, so a node never outlives its parent.
 */
public final class JavaNode {

	private static final Duration BIND_RETRY = Duration.ofSeconds(10);

	private static final Object ABSENT = new Object();

	private final SyncOptions options;

	private final Tally.Listener tallies = new Tally.Listener();

	private final @Nullable Recorder recorder;

	private SyncSocket socket;

	private JavaNode(SyncOptions options, @Nullable Recorder recorder) {
		this.options = options;
		this.recorder = recorder;
		this.socket = start();
	}

	public static void main(String[] args) throws IOException {
		ChildLoop loop = new ChildLoop();
		JavaNode node;
		try {
			Map<String, List<String>> parsed = parse(args);
			node = new JavaNode(options(parsed),
					Boolean.parseBoolean(single(parsed, "record", "false")) ? new Recorder() : null);
		}
		catch (RuntimeException ex) {
			loop.fail(ex);
			return;
		}
		loop.ready(ChildLoop.object().put("id", node.socket.id()).put("port", node.socket.boundAddress().getPort()));
		loop.serve(node::execute);
		node.socket.close();
		System.exit(0);
	}

	/** The socket's options from the arguments: every option in this one method. */
	static SyncOptions options(Map<String, List<String>> args) {
		MeshOptions.Builder mesh = SyncOptions.defaults()
			.mesh()
			.mutate()
			.name(single(args, "name", "node"))
			.bindAddress(single(args, "bind", ChildNode.HOST))
			.port(Integer.parseInt(single(args, "port", "0")));
		List<String> seeds = args.getOrDefault("seed", List.of());
		if (!seeds.isEmpty()) {
			mesh.seeds(seeds.toArray(String[]::new));
		}
		if (args.containsKey("node-id")) {
			mesh.nodeId(single(args, "node-id", ""));
		}
		if (args.containsKey("seed-retry-ms")) {
			String[] retry = single(args, "seed-retry-ms", "").split(",");
			mesh.seeding((seeding) -> seeding.retry(Duration.ofMillis(Long.parseLong(retry[0])),
					Duration.ofMillis(Long.parseLong(retry[1]))));
		}
		if (args.containsKey("handshake-timeout-ms")) {
			Duration handshake = Duration.ofMillis(Long.parseLong(single(args, "handshake-timeout-ms", "")));
			mesh.timeouts((timeouts) -> timeouts.handshake(handshake));
		}
		if (args.containsKey("stall-timeout-ms")) {
			Duration stall = Duration.ofMillis(Long.parseLong(single(args, "stall-timeout-ms", "")));
			mesh.timeouts((timeouts) -> timeouts.stall(stall));
		}
		if (args.containsKey("max-outgoing")) {
			mesh.maxOutgoing(Integer.parseInt(single(args, "max-outgoing", "")));
		}
		if (args.containsKey("io-threads")) {
			int ioThreads = Integer.parseInt(single(args, "io-threads", ""));
			mesh.threads((threads) -> threads.ioThreads(ioThreads));
		}
		switch (single(args, "compression", "default")) {
			case "off" -> mesh.compression(MeshCompression.none());
			// every frame compressed on links with a negotiated method, so W1-ZLIB
			// measures zlib
			case "on" -> mesh.compression((compression) -> compression.threshold(0));
			case "default" -> {
			}
			default -> throw new IllegalArgumentException(
					"--compression: " + single(args, "compression", "") + " (expected: on|off|default)");
		}
		SyncOptions.Builder options = SyncOptions.builder().mesh(mesh.build());
		if (args.containsKey("leasing")) {
			options.leasing(leasing(single(args, "leasing", "")));
		}
		return options.build();
	}

	private static Leasing leasing(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "on" -> Leasing.ON;
			case "off" -> Leasing.OFF;
			case "js2p", "js2p_default" -> Leasing.JS2P_DEFAULT;
			default -> throw new IllegalArgumentException("--leasing: " + value + " (expected: on|off|js2p)");
		};
	}

	/** Starts a socket; a fixed port still held by a killed process is retried. */
	private SyncSocket start() {
		long deadline = System.nanoTime() + BIND_RETRY.toNanos();
		while (true) {
			SyncSocket created = new SyncSocket(this.options);
			created.addSyncListener(this.tallies);
			if (this.recorder != null) {
				created.addSyncListener(this.recorder);
			}
			try {
				return created.start();
			}
			catch (SyncSocketException ex) {
				created.close();
				if (this.options.mesh().port() == 0 || System.nanoTime() - deadline > 0) {
					throw ex;
				}
				LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // retry pace,
																			// not
																			// synchronisation
			}
		}
	}

	/** Runs a command; lease and type errors are answered by kind. */
	private @Nullable JsonNode execute(String cmd, JsonNode command) {
		try {
			return run(cmd, command);
		}
		catch (LeaseHeldException ex) {
			throw new Refusal("lease", String.valueOf(ex.getMessage()));
		}
		catch (ValueTypeException ex) {
			throw new Refusal("type", String.valueOf(ex.getMessage()));
		}
	}

	private @Nullable JsonNode run(String cmd, JsonNode c) {
		String key = c.path("key").asText();
		return switch (cmd) {
			case "connect" -> {
				long before = System.nanoTime();
				this.socket.connect(c.path("host").asText(), c.path("port").asInt());
				long after = System.nanoTime();
				yield ChildLoop.object().put("before", before).put("after", after);
			}
			case "peers" -> {
				ArrayNode peers = ChildLoop.mapper().createArrayNode();
				for (Peer peer : this.socket.peers()) {
					peers.addObject()
						.put("id", peer.id())
						.put("dialect", peer.dialect().name())
						.put("compression", (peer.compression() != null) ? peer.compression() : "none");
				}
				yield peers;
			}
			case "status" -> ChildLoop.object()
				.put("id", this.socket.id())
				.put("port", this.socket.boundAddress().getPort())
				.put("peerCount", this.socket.peers().size())
				.put("initialSyncComplete", this.socket.initialSyncComplete());
			case "arm" -> {
				this.tallies.arm(new Tally(c.path("prefix").asText()));
				yield null;
			}
			case "await" -> await(c.path("n").asInt(), c.path("timeoutMs").asLong());
			case "setmany" -> setMany(c.path("prefix").asText(), c.path("n").asInt(), c.path("size").asInt());
			case "set1" -> {
				String written = c.path("prefix").asText() + c.path("i").asInt();
				String value = Values.value(c.path("size").asInt());
				long before = System.nanoTime();
				this.socket.set(written, value);
				long after = System.nanoTime();
				yield ChildLoop.object().put("before", before).put("after", after);
			}
			case "check" -> {
				String prefix = c.path("prefix").asText();
				int n = c.path("n").asInt();
				int present = 0;
				for (int i = 0; i < n; i++) {
					if (this.socket.containsKey(prefix + i)) {
						present++;
					}
				}
				yield ChildLoop.object().put("present", present);
			}
			case "stats" -> stats();
			case "gc" -> {
				System.gc();
				yield ChildLoop.object().put("heapUsed", JvmStats.heapUsed());
			}
			case "reset" -> {
				this.socket.close();
				this.tallies.arm(null);
				this.socket = start();
				yield ChildLoop.object().put("port", this.socket.boundAddress().getPort());
			}
			case "set" -> {
				Recorder recorder = recorder();
				this.socket.set(key, javaValue(c.path("value")));
				yield recorder.version(key, ChildLoop.object());
			}
			case "delta" -> {
				Recorder recorder = recorder();
				@SuppressWarnings("unchecked")
				Map<String, ?> delta = ChildLoop.mapper().convertValue(c.path("delta"), LinkedHashMap.class);
				this.socket.applyDelta(key, delta);
				yield recorder.version(key, ChildLoop.object());
			}
			case "del" -> {
				Recorder recorder = recorder();
				// pop is del that also tells whether something was deleted (and so
				// whether an event follows)
				boolean deleted = this.socket.pop(key, ABSENT) != ABSENT;
				ObjectNode result = ChildLoop.object().put("deleted", deleted);
				yield deleted ? recorder.version(key, result) : result;
			}
			case "snapshot" -> recorder().snapshot(this.socket);
			case "history" -> recorder().history(key);
			default -> throw new IllegalArgumentException("unknown command '" + cmd + "'");
		};
	}

	private Recorder recorder() {
		if (this.recorder == null) {
			throw new IllegalStateException("this command needs --record true");
		}
		return this.recorder;
	}

	private ObjectNode setMany(String prefix, int n, int size) {
		String[] keys = new String[n];
		for (int i = 0; i < n; i++) {
			keys[i] = prefix + i;
		}
		String value = Values.value(size);
		SyncSocket socket = this.socket;
		long before = System.nanoTime();
		for (String key : keys) {
			socket.set(key, value);
		}
		long after = System.nanoTime();
		return ChildLoop.object().put("before", before).put("after", after);
	}

	private ObjectNode await(int n, long timeoutMillis) {
		Tally tally = this.tallies.tally;
		if (tally == null) {
			throw new IllegalStateException("await before arm");
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		tally.waiter = Thread.currentThread();
		tally.target = n;
		while (tally.count < n) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				tally.waiter = null;
				throw new Refusal("timeout", "timeout after " + timeoutMillis + " ms: " + tally.count + " of " + n
						+ " updates for '" + tally.prefix + "' (dictionary size " + this.socket.size() + ")");
			}
			LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(1)));
		}
		tally.waiter = null;
		return ChildLoop.object().put("first", tally.first).put("last", tally.last).put("count", tally.count);
	}

	private ObjectNode stats() {
		MeshStats mesh = this.socket.stats();
		return JvmStats.put(ChildLoop.object().put("size", this.socket.size()))
			.put("messagesSent", mesh.messagesSent())
			.put("messagesReceived", mesh.messagesReceived())
			.put("bytesSent", mesh.bytesSent())
			.put("bytesReceived", mesh.bytesReceived())
			.put("relayed", mesh.broadcastsRelayed())
			.put("duplicates", mesh.duplicatesDropped())
			.put("mesh", mesh.toString())
			.put("sync", this.socket.syncStats().toString());
	}

	private static Object javaValue(JsonNode value) {
		if (value.isTextual()) {
			return value.asText();
		}
		if (value.isIntegralNumber()) {
			return value.asLong();
		}
		if (value.isObject()) {
			return ChildLoop.mapper().convertValue(value, LinkedHashMap.class);
		}
		throw new IllegalArgumentException("value: " + value + " (expected: a string, an integer or an object)");
	}

	private static Map<String, List<String>> parse(String[] args) {
		Map<String, List<String>> options = new LinkedHashMap<>();
		for (int i = 0; i < args.length; i += 2) {
			if (!args[i].startsWith("--") || i + 1 >= args.length) {
				throw new IllegalArgumentException("bad argument '" + args[i] + "' (expected: --name value)");
			}
			options.computeIfAbsent(args[i].substring(2), (k) -> new ArrayList<>()).add(args[i + 1]);
		}
		return options;
	}

	/** The last value given for an option, or the fallback. */
	private static String single(Map<String, List<String>> options, String name, String fallback) {
		List<String> values = options.get(name);
		return (values == null || values.isEmpty()) ? fallback : values.get(values.size() - 1);
	}

	/**
	 * Update events counted for one key prefix. Written only by the node loop (the
	 * listener), read by the main thread through volatile fields.
	 */
	static final class Tally {

		final String prefix;

		volatile int count;

		volatile long first;

		volatile long last;

		volatile int target = Integer.MAX_VALUE;

		volatile @Nullable Thread waiter;

		Tally(String prefix) {
			this.prefix = prefix;
		}

		/**
		 * The listener: a prefix test, a counter and a clock read per event; nothing
		 * else.
		 */
		static final class Listener implements SyncListener {

			volatile @Nullable Tally tally;

			void arm(@Nullable Tally tally) {
				this.tally = tally;
			}

			@Override
			public void onUpdate(SyncEvent event) {
				Tally tally = this.tally;
				if (tally == null) {
					return;
				}
				long now = System.nanoTime();
				if (!event.key().startsWith(tally.prefix)) {
					return;
				}
				int count = tally.count + 1; // single writer: the node loop
				if (count == 1) {
					tally.first = now;
				}
				tally.last = now;
				tally.count = count;
				if (count >= tally.target) {
					Thread waiter = tally.waiter;
					if (waiter != null) {
						LockSupport.unpark(waiter);
					}
				}
			}

		}

	}

}
