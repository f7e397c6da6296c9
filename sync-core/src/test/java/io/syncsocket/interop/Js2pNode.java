package io.syncsocket.interop;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncsocket.testkit.ChildNode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One real js2p 0.7.870 node (the npm package) running in a child Node.js process, for
 * interop tests of syncsocket against the reference implementation (PROTOCOL.md §11.1).
 *
 * <p>
 * The node is the fixture {@code interop/js2p/driver.js}, started and driven through
 * {@link ChildNode} (which documents the commands); it listens on {@code 127.0.0.1} and
 * reports js2p's events ({@code interop/js2p/README.md}). Values cross the boundary as
 * <em>typed values</em> that keep the msgpack type, e.g. {@code {"t":"bin","v":"6869"}};
 * build them with {@link #str}, {@link #bin}, {@link #integer}, {@link #map} and friends.
 *
 * <p>
 * Typical use: call {@link #assumeAvailable()} first (skips the test when Node.js is
 * missing, fails it when {@code -Dsyncsocket.interop.required=true}),
 * {@link #start(Options) start} the nodes, drive them with {@link #command} or the
 * convenience methods, wait for js2p's reactions with {@link #awaitEvent}, and
 * {@link #close()} every node in {@code @AfterEach}. Every wait is bounded: 30 s for
 * start-up, 10 s per command, 5 s for close. The node's stderr goes to
 * {@code target/js2p-logs/}.
 *
 * <p>
 * Threading: all public methods may be called from any thread. Events are kept twice: in
 * a queue that {@link #awaitEvent} consumes, and in a list that {@link #events()}
 * snapshots.
 */
public final class Js2pNode implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(Js2pNode.class);

	/** The only address the fixture binds to and dials. */
	public static final String HOST = ChildNode.HOST;

	private static final String DIR_PROPERTY = "syncsocket.js2p.dir";

	private static final String REQUIRED_PROPERTY = "syncsocket.interop.required";

	private static final Path DRIVER = Paths.get("interop", "js2p", "driver.js");

	private static final Path LOG_DIR = Paths.get("target", "js2p-logs");

	private static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(5);

	private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

	private static final AtomicInteger starts = new AtomicInteger();

	private static final Object availabilityLock = new Object();

	private static @Nullable Availability availability;

	private final ChildNode child;

	private Js2pNode(ChildNode child) {
		this.child = child;
	}

	// ---------------------------------------------------------------------------------------
	// start-up and availability

	/**
	 * Start one js2p node and wait (at most 30 s) until it listens.
	 * @param options what to start
	 * @return the running node; close it when done
	 */
	public static Js2pNode start(Options options) {
		Objects.requireNonNull(options, "'options' must not be null");
		Path dir = availableFixture();
		List<String> command = new ArrayList<>(
				List.of(nodeExecutable(), "driver.js", "--kind", options.kind().name().toLowerCase(Locale.ROOT),
						"--host", HOST, "--port", Integer.toString(options.port())));
		if (options.leasing() != Leasing.OMITTED) {
			command.add("--leasing");
			command.add(options.leasing().name().toLowerCase(Locale.ROOT));
		}
		if (options.subnet() != null) {
			command.add("--subnet");
			command.add(options.subnet());
		}
		if (!"Plaintext".equals(options.encryption())) {
			command.add("--encryption");
			command.add(options.encryption());
		}
		String name = "js2p-" + starts.incrementAndGet();
		Path log = LOG_DIR.resolve(name + ".log").toAbsolutePath();
		Js2pNode node = new Js2pNode(ChildNode.start(new ChildNode.Launch(name, command, log).in(dir)));
		logger.debug("{} started ({}), log {}", node, options, log);
		return node;
	}

	/**
	 * Make sure a js2p node can be started, or end the current test: aborted (skipped)
	 * when Node.js or the fixture is missing, failed instead when the system property
	 * {@code syncsocket.interop.required} is {@code true}. Runs {@code npm ci} in the
	 * fixture (bounded, once per JVM) when npm is available and {@code node_modules} is
	 * missing.
	 */
	public static void assumeAvailable() {
		availableFixture();
	}

	private static Path availableFixture() {
		Availability result;
		synchronized (availabilityLock) {
			if (availability == null) {
				availability = checkAvailability();
			}
			result = availability;
		}
		if (result.problem() != null) {
			if (Boolean.getBoolean(REQUIRED_PROPERTY)) {
				Assertions.fail(
						"js2p interop required (" + REQUIRED_PROPERTY + "=true) but unavailable: " + result.problem());
			}
			Assumptions.abort("js2p interop skipped: " + result.problem());
		}
		return Objects.requireNonNull(result.dir());
	}

	private static Availability checkAvailability() {
		Path dir = findFixture();
		if (dir == null) {
			return Availability.unavailable("fixture interop/js2p/driver.js not found (set -D" + DIR_PROPERTY
					+ " or run from inside the repository)");
		}
		if (findOnPath(nodeExecutable()).isEmpty()) {
			return Availability.unavailable("Node.js not found; install Node 20 and run npm ci in " + dir);
		}
		if (!Files.isDirectory(dir.resolve("node_modules").resolve("js2p"))) {
			if (findOnPath(npmExecutable()).isEmpty()) {
				return Availability.unavailable("js2p is not installed and npm was not found; run npm ci in " + dir);
			}
			String problem = npmCi(dir);
			if (problem != null) {
				return Availability.unavailable(problem);
			}
		}
		return new Availability(dir, null);
	}

	private static @Nullable Path findFixture() {
		String configured = System.getProperty(DIR_PROPERTY);
		if (configured != null && !configured.isBlank()) {
			Path dir = Paths.get(configured).toAbsolutePath().normalize();
			return Files.isRegularFile(dir.resolve("driver.js")) ? dir : null;
		}
		for (Path dir = Paths.get(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir
			.getParent()) {
			if (Files.isRegularFile(dir.resolve(DRIVER))) {
				return dir.resolve(DRIVER).getParent();
			}
		}
		return null;
	}

	/** Runs {@code npm ci}; returns {@code null} on success, else what went wrong. */
	private static @Nullable String npmCi(Path dir) {
		logger.info("js2p fixture has no node_modules: running npm ci in {} (at most {})", dir, NPM_CI_TIMEOUT);
		Path output = null;
		try {
			output = Files.createTempFile("syncsocket-npm-ci", ".log");
			Process npm = new ProcessBuilder(npmExecutable(), "ci").directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File(isWindows() ? "NUL" : "/dev/null")))
				.start();
			boolean finished = npm.waitFor(NPM_CI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (!finished) {
				npm.descendants().forEach(ProcessHandle::destroyForcibly);
				npm.destroyForcibly();
			}
			for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
				logger.info("npm ci: {}", line);
			}
			if (!finished) {
				return "npm ci in " + dir + " did not finish within " + NPM_CI_TIMEOUT;
			}
			if (npm.exitValue() != 0 || !Files.isDirectory(dir.resolve("node_modules").resolve("js2p"))) {
				return "npm ci in " + dir + " failed (exit code " + npm.exitValue() + "); see the log";
			}
			return null;
		}
		catch (IOException ex) {
			return "npm ci in " + dir + " could not run: " + ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted while running npm ci in " + dir;
		}
		finally {
			if (output != null) {
				try {
					Files.deleteIfExists(output);
				}
				catch (IOException ex) {
					logger.debug("Could not delete {}", output, ex);
				}
			}
		}
	}

	private static Optional<Path> findOnPath(String executable) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String entry : path.split(File.pathSeparator)) {
			if (entry.isEmpty()) {
				continue;
			}
			Path candidate = Paths.get(entry, executable);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	private static String nodeExecutable() {
		return isWindows() ? "node.exe" : "node";
	}

	private static String npmExecutable() {
		return isWindows() ? "npm.cmd" : "npm";
	}

	private static boolean isWindows() {
		return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
	}

	// ---------------------------------------------------------------------------------------
	// identity

	/** The port the js2p node listens on (on {@link #HOST}). */
	public int port() {
		return this.child.port();
	}

	/** The js2p node id (base58 text). */
	public String id() {
		return this.child.id();
	}

	/** The protocol (subnet) id js2p computed for its subnet, e.g. {@code sync1}. */
	public String protocolId() {
		return this.child.readyEvent().path("protocolId").asText();
	}

	// ---------------------------------------------------------------------------------------
	// commands

	/**
	 * Send a command and wait (at most 10 s) for its reply.
	 * @param cmd the command name, e.g. {@code "set"}
	 * @param args the command's arguments (values: JSON-serializable, typed values as
	 * {@link JsonNode})
	 * @return the reply's {@code result} ({@code NullNode} when the command returns
	 * nothing)
	 * @throws AssertionError on timeout, when the node has exited, or when the reply says
	 * {@code ok=false}
	 */
	public JsonNode command(String cmd, Map<String, ?> args) {
		return this.child.command(cmd, args);
	}

	/**
	 * Send a command and wait (at most 10 s) for its reply, without judging the outcome.
	 * @param cmd the command name
	 * @param args the command's arguments
	 * @return the whole reply: {@code {"reply":N,"ok":true,"result":..}} or
	 * {@code {"reply":N,"ok":false,"error":"TypeError","message":".."}}
	 * @throws AssertionError on timeout or when the node has exited
	 */
	public JsonNode tryCommand(String cmd, Map<String, ?> args) {
		return this.child.tryCommand(cmd, args);
	}

	/**
	 * Dial another node ({@code socket.connect(host, port)}).
	 * @throws AssertionError if js2p decided not to dial: it refuses when its routing
	 * table already holds a peer with the same host or the same port (on one machine: any
	 * peer on 127.0.0.1)
	 */
	public void connect(String host, int port) {
		JsonNode result = command("connect", Map.of("host", host, "port", port));
		if (!result.path("dialed").asBoolean()) {
			throw new AssertionError(this + " refused to dial " + host + ":" + port
					+ " (js2p skips addresses whose host or port matches a peer it already has); peers: " + peers());
		}
	}

	/**
	 * Store a typed value ({@code socket.set}); fails if js2p throws (e.g. the lease
	 * error).
	 */
	public void set(String key, JsonNode typedValue) {
		command("set", Map.of("key", key, "value", typedValue));
	}

	/**
	 * The typed value js2p holds for a key, read from its internal state so that falsy
	 * values ({@code 0}, {@code ""}, {@code false}) are visible (js2p's own {@code get}
	 * hides them; use the {@code api_get} command for that).
	 * @return the typed value, or {@code null} if the key is absent
	 */
	public @Nullable JsonNode get(String key) {
		JsonNode result = command("get", Map.of("key", key));
		return result.isNull() ? null : result;
	}

	/** Merge a typed map into a key ({@code socket.apply_delta}). */
	public void applyDelta(String key, JsonNode typedMap) {
		command("apply_delta", Map.of("key", key, "delta", typedMap));
	}

	/**
	 * Try {@code socket.del(key)}; js2p 0.7.870 always throws here (PROTOCOL.md §9 Q1).
	 * @return the raw reply ({@code ok} and {@code error})
	 */
	public JsonNode del(String key) {
		return tryCommand("del", Map.of("key", key));
	}

	/**
	 * Broadcast a user message ({@code socket.send(packets)}: main flag and sub-flag
	 * broadcast).
	 */
	public void send(List<? extends JsonNode> typedPackets) {
		command("send", Map.of("packets", typedPackets));
	}

	/**
	 * {@code socket.send(packets, flag, type)}.
	 * @param typedPackets the user packets
	 * @param flag the main flag (msg_type), e.g. {@code 0x02} whisper
	 * @param type the sub-flag (payload p0), e.g. {@code 0x02} whisper
	 */
	public void send(List<? extends JsonNode> typedPackets, int flag, int type) {
		command("send", Map.of("packets", typedPackets, "flag", flag, "type", type));
	}

	/** All keys in js2p's internal state (text), including keys with falsy values. */
	public List<String> keys() {
		List<String> keys = new ArrayList<>();
		command("keys", Map.of()).forEach((key) -> keys.add(key.asText()));
		return keys;
	}

	/** {@code [[key, typedValue, owner, timestamp], ...]} from js2p's internal state. */
	public JsonNode items() {
		return command("items", Map.of());
	}

	/** The routing table: {@code [{"id":..,"host":..,"port":..,"outgoing":..}, ...]}. */
	public JsonNode peers() {
		return command("peers", Map.of());
	}

	/** {@code {"id", "port", "peerCount", "awaiting", "outgoing", "exceptions":[..]}}. */
	public JsonNode status() {
		return command("status", Map.of());
	}

	// ---------------------------------------------------------------------------------------
	// events

	/**
	 * Consume events, oldest first, until one matches; the consumed non-matching events
	 * are dropped from the queue (they stay in {@link #events()}).
	 * @param predicate which event to wait for
	 * @param timeout how long to wait at most
	 * @return the matching event
	 * @throws AssertionError on timeout or when the node exits first, listing the events
	 * seen
	 */
	public JsonNode awaitEvent(Predicate<? super JsonNode> predicate, Duration timeout) {
		Objects.requireNonNull(predicate, "'predicate' must not be null");
		return this.child.awaitEvent(predicate, timeout);
	}

	/**
	 * All events received so far (consumed or not), oldest first, including
	 * {@code ready}.
	 */
	public List<JsonNode> events() {
		return this.child.events();
	}

	/** Matches events named {@code name}, e.g. {@code "connect"}. */
	public static Predicate<JsonNode> isEvent(String name) {
		return (event) -> name.equals(event.path("event").asText());
	}

	/**
	 * Matches {@code update} events for {@code key} (whether js2p reports the key as str
	 * or bin).
	 */
	public static Predicate<JsonNode> isUpdate(String key) {
		return (event) -> isEvent("update").test(event) && key.equals(text(event.path("key")));
	}

	/** Matches user {@code message} events. */
	public static Predicate<JsonNode> isMessage() {
		return isEvent("message");
	}

	// ---------------------------------------------------------------------------------------
	// typed values

	/** A msgpack str. */
	public static ObjectNode str(String value) {
		return typed("str").put("v", value);
	}

	/** A msgpack bin. */
	public static ObjectNode bin(byte[] value) {
		return typed("bin").put("v", HexFormat.of().formatHex(value));
	}

	/** A msgpack integer (js2p holds it as a JS number, exact up to ±2^53). */
	public static ObjectNode integer(long value) {
		// the same node class Jackson's parser produces, so that equals() works on parsed
		// events
		ObjectNode node = typed("int");
		if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
			node.put("v", (int) value);
		}
		else {
			node.put("v", value);
		}
		return node;
	}

	/**
	 * A msgpack float (js2p reports integral floats as {@code int}: JS cannot tell them
	 * apart).
	 */
	public static ObjectNode floating(double value) {
		return typed("float").put("v", value);
	}

	/** A msgpack boolean. */
	public static ObjectNode bool(boolean value) {
		return typed("bool").put("v", value);
	}

	/** msgpack nil. */
	public static ObjectNode nil() {
		return typed("nil");
	}

	/** A msgpack array of typed values. */
	public static ObjectNode array(JsonNode... typedValues) {
		ArrayNode values = nodes.arrayNode();
		for (JsonNode value : typedValues) {
			values.add(value);
		}
		ObjectNode node = typed("array");
		node.set("v", values);
		return node;
	}

	/**
	 * A msgpack map, in the given order.
	 * @param keysAndValues alternating keys (a {@code String}, made a str, or a typed
	 * value) and typed values
	 */
	public static ObjectNode map(Object... keysAndValues) {
		if (keysAndValues.length % 2 != 0) {
			throw new IllegalArgumentException(
					"keysAndValues: " + keysAndValues.length + " elements (expected: an even number)");
		}
		ArrayNode entries = nodes.arrayNode();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			Object key = keysAndValues[i];
			JsonNode typedKey = (key instanceof String text) ? str(text) : (JsonNode) key;
			entries.add(nodes.arrayNode().add(typedKey).add((JsonNode) keysAndValues[i + 1]));
		}
		ObjectNode node = typed("map");
		node.set("v", entries);
		return node;
	}

	/** A msgpack map with str keys, in the map's iteration order. */
	public static ObjectNode map(Map<String, ? extends JsonNode> entries) {
		List<Object> keysAndValues = new ArrayList<>();
		new LinkedHashMap<>(entries).forEach((key, value) -> {
			keysAndValues.add(key);
			keysAndValues.add(value);
		});
		return map(keysAndValues.toArray());
	}

	/**
	 * The text of a typed str, or of a typed bin decoded as UTF-8 (js2p reports keys
	 * either way).
	 * @return the text, or {@code null} for anything else
	 */
	public static @Nullable String text(JsonNode typed) {
		return switch (typed.path("t").asText()) {
			case "str" -> typed.path("v").asText();
			case "bin" -> new String(bytes(typed), StandardCharsets.UTF_8);
			default -> null;
		};
	}

	/** The bytes of a typed bin. */
	public static byte[] bytes(JsonNode typedBin) {
		if (!"bin".equals(typedBin.path("t").asText())) {
			throw new IllegalArgumentException("Not a typed bin: " + typedBin);
		}
		return HexFormat.of().parseHex(typedBin.path("v").asText());
	}

	private static ObjectNode typed(String type) {
		return nodes.objectNode().put("t", type);
	}

	// ---------------------------------------------------------------------------------------
	// close

	/**
	 * Ask the node to close its socket and exit; kill it if it has not exited within 5 s.
	 * Idempotent.
	 */
	@Override
	public void close() {
		this.child.close();
	}

	/**
	 * Kill the node as a crash would: SIGKILL on Linux
	 * ({@link Process#destroyForcibly()}), without asking it to close its socket; waits
	 * (at most 5 s) for the exit. Idempotent; {@link #close()} afterwards does nothing.
	 */
	public void kill() {
		this.child.kill();
	}

	/** Whether the node's process is still running. */
	public boolean isAlive() {
		return this.child.isAlive();
	}

	@Override
	public String toString() {
		return this.child.isReady() ? "js2p[" + port() + "] " + id() : this.child.toString();
	}

	// ---------------------------------------------------------------------------------------
	// options

	/** Which js2p socket class to start. */
	public enum Kind {

		/** {@code js2p.sync.SyncSocket} (default subnet {@code sync1}). */
		SYNC,

		/** {@code js2p.mesh.MeshSocket} (default subnet {@code mesh}). */
		MESH

	}

	/** The {@code leasing} constructor argument of a SyncSocket (PROTOCOL.md §7.4). */
	public enum Leasing {

		/** Not passed: subnet suffix {@code 1}, but js2p does not enforce leases. */
		OMITTED,

		/** {@code true}: subnet suffix {@code 1}, leases enforced. */
		TRUE,

		/** {@code false}: subnet suffix {@code 0}, no leases. */
		FALSE

	}

	/**
	 * What to start.
	 *
	 * @param kind SyncSocket or MeshSocket
	 * @param leasing the SyncSocket leasing argument ({@link Leasing#OMITTED} for a
	 * MeshSocket)
	 * @param subnet a subnet (js2p appends {@code 1}/{@code 0} for a SyncSocket), or
	 * {@code null} for js2p's default protocol
	 * @param port the port to listen on, {@code 0} for a free one
	 */
	public record Options(Kind kind, Leasing leasing, @Nullable String subnet, int port, String encryption) {

		public Options {
			Objects.requireNonNull(kind, "'kind' must not be null");
			Objects.requireNonNull(leasing, "'leasing' must not be null");
			Objects.requireNonNull(encryption, "'encryption' must not be null");
			if (port < 0 || port > 65535) {
				throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
			}
			if (kind == Kind.MESH && leasing != Leasing.OMITTED) {
				throw new IllegalArgumentException("leasing: " + leasing + " (expected: OMITTED for a MeshSocket)");
			}
		}

		/** Plaintext options. */
		public Options(Kind kind, Leasing leasing, @Nullable String subnet, int port) {
			this(kind, leasing, subnet, port, "Plaintext");
		}

		/** A default SyncSocket: leasing omitted, default subnet, free port. */
		public static Options sync() {
			return new Options(Kind.SYNC, Leasing.OMITTED, null, 0);
		}

		/** A default MeshSocket on a free port. */
		public static Options mesh() {
			return new Options(Kind.MESH, Leasing.OMITTED, null, 0);
		}

		public Options withLeasing(Leasing leasing) {
			return new Options(this.kind, leasing, this.subnet, this.port, this.encryption);
		}

		public Options withSubnet(@Nullable String subnet) {
			return new Options(this.kind, this.leasing, subnet, this.port, this.encryption);
		}

		public Options withPort(int port) {
			return new Options(this.kind, this.leasing, this.subnet, port, this.encryption);
		}

		/**
		 * js2p's transport: {@code Plaintext} (default) or {@code SSL} (driver
		 * {@code --encryption}).
		 */
		public Options withEncryption(String encryption) {
			return new Options(this.kind, this.leasing, this.subnet, this.port, encryption);
		}

	}

	private record Availability(@Nullable Path dir, @Nullable String problem) {

		static Availability unavailable(String problem) {
			return new Availability(null, problem);
		}

	}

}
