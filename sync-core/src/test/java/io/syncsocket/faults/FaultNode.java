package io.syncsocket.faults;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncsocket.LeaseHeldException;
import io.syncsocket.Leasing;
import io.syncsocket.Metatuple;
import io.syncsocket.Peer;
import io.syncsocket.SyncEntry;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.SyncSocketException;
import io.syncsocket.ValueTypeException;
import io.syncsocket.internal.wire.Msgpack;
import org.jspecify.annotations.Nullable;

/**
 * The {@code main} of one syncsocket node in its own JVM, for the fault tests: started by
 * {@link NodeProcess}, it runs a single {@link SyncSocket} and obeys one JSON command per
 * stdin line, answering each with exactly one JSON line on stdout.
 *
 * <pre>
 * args:    --name N [--bind A] --port P --leasing ON|OFF|JS2P_DEFAULT [--seed host:port]... [--node-id ID]
 *          [--seed-retry-ms initial,max] [--handshake-timeout-ms T] [--stall-timeout-ms T]
 * ready:   {"event":"ready","id":"..","port":P}
 * command: {"id":N,"cmd":"set","key":"k","value":&lt;json&gt;}       value: string, integer or object
 *          {"id":N,"cmd":"del","key":"k"}
 *          {"id":N,"cmd":"delta","key":"k","delta":{..}}
 *          {"id":N,"cmd":"items"} | {"cmd":"peers"} | {"cmd":"stats"} | {"cmd":"close"}
 * reply:   {"reply":N,"ok":true,...} or {"reply":N,"ok":false,"error":"lease|type|..","message":".."}
 * </pre>
 *
 * <p>
 * A write's reply is sent after the socket call returned, i.e. once the write is applied
 * locally and its broadcast handed to the links: that is "acknowledged to a client". It
 * carries the version that write created ({@code owner}, {@code ts}, {@code value} as
 * msgpack hex, or {@code tombstone} for a delete), taken from the local {@link SyncEvent}
 * of the call (listener deliveries are queued in commit order, so the node waits for that
 * event), so that a remote change arriving right after it cannot be mistaken for it. A
 * delete is made with {@code pop(key, fallback)}, the same operation as {@code del} that
 * also tells whether the key existed. {@code {"cmd":"history","key":"k"}} lists the last
 * changes of a key (diagnostics).
 *
 * <p>
 * stdout is reserved for the protocol: {@code System.out} is pointed at stderr before any
 * logging starts. When stdin closes (the test JVM went away) the node closes and exits.
 */
public final class FaultNode {

	private static final ObjectMapper mapper = new ObjectMapper();

	private final PrintStream protocol;

	private final SyncSocket socket;

	/**
	 * Changes made by calls on this socket, in commit order. Listener deliveries are
	 * queued, so the event of a write may arrive after the call returned: each write
	 * waits for its own.
	 */
	private final java.util.concurrent.BlockingQueue<SyncEvent> localEvents = new java.util.concurrent.LinkedBlockingQueue<>();

	private static final Object ABSENT = new Object();

	/**
	 * Per key, the last changes this node applied (type, origin, metadata), for
	 * diagnostics.
	 */
	private final Map<String, java.util.Deque<String>> history = new ConcurrentHashMap<>();

	/**
	 * Per key, the newest deletion this node applied (any origin): what it knows was
	 * deleted.
	 */
	private final Map<String, Metatuple> deletions = new ConcurrentHashMap<>();

	private FaultNode(PrintStream protocol, SyncSocket socket) {
		this.protocol = protocol;
		this.socket = socket;
	}

	public static void main(String[] args) throws IOException {
		PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
		System.setOut(System.err); // logback's console appender must not write into the
									// protocol
		Map<String, List<String>> options = parse(args);
		SyncSocket socket = startSocket(options, protocol);
		FaultNode node = new FaultNode(protocol, socket);
		node.run();
	}

	private static SyncSocket startSocket(Map<String, List<String>> options, PrintStream protocol) {
		String name = String.valueOf(single(options, "name", "fault-node"));
		String bind = String.valueOf(single(options, "bind", NodeProcess.HOST));
		int port = Integer.parseInt(String.valueOf(single(options, "port", "0")));
		Leasing leasing = Leasing.valueOf(String.valueOf(single(options, "leasing", "OFF")));
		String nodeId = single(options, "node-id", null);
		String[] retry = String.valueOf(single(options, "seed-retry-ms", "200,2000")).split(",");
		Duration handshakeTimeout = Duration
			.ofMillis(Long.parseLong(String.valueOf(single(options, "handshake-timeout-ms", "5000"))));
		Duration stallTimeout = Duration
			.ofMillis(Long.parseLong(String.valueOf(single(options, "stall-timeout-ms", "60000"))));
		List<String> seeds = options.getOrDefault("seed", List.of());
		SyncOptions syncOptions = SyncOptions.builder()
			.leasing(leasing)
			.mesh((mesh) -> mesh.name(name)
				.bindAddress(bind)
				.port(port)
				.nodeId(nodeId)
				.seeds(seeds.toArray(String[]::new))
				.seeding((seeding) -> seeding.retry(Duration.ofMillis(Long.parseLong(retry[0])),
						Duration.ofMillis(Long.parseLong(retry[1]))))
				// only the seed links (through the tests' proxies) may exist: no
				// peer-list following
				.maxOutgoing(0)
				.threads((threads) -> threads.ioThreads(1))
				.timeouts((timeouts) -> timeouts.handshake(handshakeTimeout).stall(stallTimeout)))
			.build();
		// A restart binds the port of the killed process; the kernel may need a moment to
		// free it.
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (true) {
			SyncSocket socket = new SyncSocket(syncOptions);
			try {
				return socket.start();
			}
			catch (SyncSocketException ex) {
				socket.close();
				if (System.nanoTime() - deadline > 0) {
					emit(protocol, mapper.createObjectNode().put("event", "error").put("message", String.valueOf(ex)));
					System.exit(1);
				}
				java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // retry
																									// pace,
																									// not
																									// synchronisation
			}
		}
	}

	private void run() throws IOException {
		this.socket.addSyncListener(new SyncListener() {
			@Override
			public void onUpdate(SyncEvent event) {
				remember(event);
				if (event.origin() == SyncEvent.Origin.LOCAL) {
					FaultNode.this.localEvents.add(event);
				}
			}

			@Override
			public void onDelete(SyncEvent event) {
				remember(event);
				FaultNode.this.deletions.merge(event.key(), event.meta(),
						(old, fresh) -> (Versions.compareMeta(fresh, old) > 0) ? fresh : old);
				if (event.origin() == SyncEvent.Origin.LOCAL) {
					FaultNode.this.localEvents.add(event);
				}
			}
		});
		emit(this.protocol,
				mapper.createObjectNode()
					.put("event", "ready")
					.put("id", this.socket.id())
					.put("port", this.socket.boundAddress().getPort()));
		BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = stdin.readLine()) != null) {
			if (line.isBlank()) {
				continue;
			}
			JsonNode command = mapper.readTree(line);
			ObjectNode reply = mapper.createObjectNode().put("reply", command.path("id").asLong());
			boolean close = "close".equals(command.path("cmd").asText());
			try {
				execute(command, reply);
				reply.put("ok", true);
			}
			catch (LeaseHeldException ex) {
				reply.put("ok", false).put("error", "lease").put("message", ex.getMessage());
			}
			catch (ValueTypeException ex) {
				reply.put("ok", false).put("error", "type").put("message", ex.getMessage());
			}
			catch (RuntimeException ex) {
				reply.put("ok", false)
					.put("error", ex.getClass().getSimpleName())
					.put("message", String.valueOf(ex.getMessage()));
			}
			if (close) {
				this.socket.close();
				emit(this.protocol, reply);
				System.exit(0);
			}
			emit(this.protocol, reply);
		}
		this.socket.close();
		System.exit(0);
	}

	private void remember(SyncEvent event) {
		java.util.Deque<String> changes = this.history.computeIfAbsent(event.key(),
				(key) -> new java.util.ArrayDeque<>());
		synchronized (changes) {
			if (changes.size() == 20) {
				changes.removeFirst();
			}
			Object value = event.value();
			changes.addLast(event.type() + " " + event.origin() + " " + Versions.abbreviate(event.meta().owner()) + "@"
					+ event.meta().timestamp() + ((value != null) ? " " + json(value) : ""));
		}
	}

	private void execute(JsonNode command, ObjectNode reply) {
		String key = command.path("key").asText();
		switch (command.path("cmd").asText()) {
			case "set" -> {
				this.socket.set(key, javaValue(command.path("value")));
				version(reply, localEvent(key));
			}
			case "delta" -> {
				@SuppressWarnings("unchecked")
				Map<String, ?> delta = mapper.convertValue(command.path("delta"), LinkedHashMap.class);
				this.socket.applyDelta(key, delta);
				version(reply, localEvent(key));
			}
			case "del" -> {
				// pop is del that also tells whether something was deleted (and so
				// whether an event follows)
				boolean deleted = this.socket.pop(key, ABSENT) != ABSENT;
				reply.put("deleted", deleted);
				if (deleted) {
					version(reply, localEvent(key));
				}
			}
			case "items" -> {
				ArrayNode entries = reply.putArray("entries");
				for (SyncEntry entry : this.socket.items()) {
					entries.addObject()
						.put("k", entry.key())
						.put("v", HexFormat.of().formatHex(Msgpack.encode(entry.value())))
						.put("o", entry.meta().owner())
						.put("t", entry.meta().timestamp())
						.set("j", json(entry.value()));
				}
				ArrayNode deleted = reply.putArray("deleted");
				this.deletions.forEach((deletedKey, meta) -> deleted.addObject()
					.put("k", deletedKey)
					.put("o", meta.owner())
					.put("t", meta.timestamp()));
			}
			case "history" -> {
				ArrayNode changes = reply.putArray("changes");
				java.util.Deque<String> recorded = this.history.get(key);
				if (recorded != null) {
					synchronized (recorded) {
						recorded.forEach(changes::add);
					}
				}
			}
			case "peers" -> {
				ArrayNode peers = reply.putArray("peers");
				for (Peer peer : this.socket.peers()) {
					peers.addObject().put("id", peer.id()).put("dialect", peer.dialect().name());
				}
				reply.put("initialSyncComplete", this.socket.initialSyncComplete());
			}
			case "stats" ->
				reply.put("stats", this.socket.stats().toString()).put("syncStats", this.socket.syncStats().toString());
			case "close" -> {
				// handled by the caller
			}
			default -> throw new IllegalArgumentException("unknown command '" + command.path("cmd").asText() + "'");
		}
	}

	/**
	 * The event of the write just made (bounded wait: deliveries are queued in commit
	 * order).
	 */
	private SyncEvent localEvent(String key) {
		try {
			SyncEvent event = this.localEvents.poll(10, java.util.concurrent.TimeUnit.SECONDS);
			if (event == null || !event.key().equals(key)) {
				throw new IllegalStateException("expected the local event of '" + key + "', got " + event);
			}
			return event;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	private static void version(ObjectNode reply, SyncEvent event) {
		reply.put("owner", event.meta().owner()).put("ts", event.meta().timestamp());
		Object value = event.value();
		if (value == null) {
			reply.put("tombstone", true);
		}
		else {
			reply.put("value", HexFormat.of().formatHex(Msgpack.encode(value))).set("json", json(value));
		}
	}

	private static Object javaValue(JsonNode value) {
		if (value.isTextual()) {
			return value.asText();
		}
		if (value.isIntegralNumber()) {
			return value.asLong();
		}
		if (value.isObject()) {
			return mapper.convertValue(value, LinkedHashMap.class);
		}
		throw new IllegalArgumentException("value: " + value + " (expected: a string, an integer or an object)");
	}

	/** A JSON view of a value: maps with text keys, bin as hex. */
	private static JsonNode json(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return mapper.getNodeFactory().textNode(HexFormat.of().formatHex(bytes));
		}
		if (value instanceof Map<?, ?> map) {
			ObjectNode node = mapper.createObjectNode();
			map.forEach((k, v) -> node
				.set((k instanceof byte[] b) ? new String(b, StandardCharsets.UTF_8) : String.valueOf(k), json(v)));
			return node;
		}
		if (value instanceof List<?> list) {
			ArrayNode node = mapper.createArrayNode();
			list.forEach((v) -> node.add(json(v)));
			return node;
		}
		return mapper.valueToTree(value);
	}

	private static void emit(PrintStream out, JsonNode line) {
		synchronized (out) {
			out.println(line.toString());
			out.flush();
		}
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

	private static @Nullable String single(Map<String, List<String>> options, String name, @Nullable String fallback) {
		List<String> values = options.get(name);
		return (values == null || values.isEmpty()) ? fallback : values.get(values.size() - 1);
	}

}
