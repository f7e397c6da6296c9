package io.syncsocket.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node in a child process, driven over the child-node protocol: a syncsocket node in
 * its own JVM ({@link JavaNode}), a js2p 0.7.870 node in Node.js
 * ({@code interop/js2p/driver.js}) or a benchmark peer ({@code io.syncsocket.bench}). The
 * fault tests, the interop tests and the benchmark all start their nodes through this
 * class.
 *
 * <h2>The protocol</h2> JSON lines; stdout carries nothing else (the children send their
 * logs and library output to stderr, which goes to the {@linkplain Launch#log() log
 * file}).
 *
 * <pre>
 * ready    {"event":"ready","port":P,"id":"&lt;node id&gt;",...}   once the node listens; or
 *          {"event":"error","message":".."}                 and the child exits non-zero
 * command  {"id":N,"cmd":"&lt;name&gt;",&lt;arguments&gt;}               one per stdin line, run in order
 * reply    {"reply":N,"ok":true,"result":&lt;JSON&gt;}               exactly one per command, or
 *          {"reply":N,"ok":false,"error":"&lt;kind&gt;","message":".."}
 * event    {"event":"&lt;name&gt;",...}                             any other line (js2p with --events on)
 * end      "close" replies, closes the node and exits; EOF on stdin does the same
 * </pre>
 *
 * Stamps ({@code before}, {@code after}, {@code first}, {@code last}) are CLOCK_MONOTONIC
 * nanoseconds ({@code System.nanoTime()}, {@code process.hrtime.bigint()}), comparable
 * across processes on one Linux host; Node.js sends them as decimal strings (a BigInt is
 * no JSON number), so read them with {@link JsonNode#asLong()}. Error kinds:
 * {@code lease} (the key is leased by another node), {@code type} (not a map),
 * {@code timeout}, else the exception's name ({@code TypeError}, ...).
 *
 * <p>
 * Commands and their results, on J: {@link JavaNode}, S: {@code driver.js}, P: the
 * bench's {@code PeerNode}. The benchmark's commands (J S P) keep the measured loops in
 * the child: no JSON per value.
 *
 * <pre>
 * connect  host, port [S: handshake]  {before, after} around the dial (J, P: returns after the
 *                                     handshake or join; S: {dialed, before}, with handshake
 *                                     also after, once the peer is in the routing table)    J S P
 * peers                               [{id, compression, ..}] J: dialect; S: host, port
 *                                     (null until the handshake), outgoing                  J S P
 * status                              {id, port, peerCount, ..} J: initialSyncComplete;
 *                                     S: awaiting, outgoing, exceptions                     J S
 * arm      prefix                     null; counts update events of keys with that prefix   J S P
 * await    n, timeoutMs               {first, last, count} once n were counted, or timeout  J S P
 * setmany  prefix, n, size            {before, after} around setting prefix0..prefix(n-1)
 *                                     to Values.value(size) from one thread                 J S P
 * set1     prefix, i, size            {before, after} around setting prefix + i             J S P
 * check    prefix, n                  {present}: how many of the n keys are held            J S P
 * stats                               {size, heapUsed, ..} J, P: heap, GC, jitMillis;
 *                                     J: mesh counters; S: rss, waterfalls                  J S P
 * gc                                  {heapUsed} after a full GC                            J S P
 * reset                               {port}: a new, empty node in the same process         J S P
 * describe                            {text}: the system, its version and map settings      P
 * set      key, value                 J (--record): the version written {owner, ts, value
 *                                     (msgpack hex), json}; value a JSON string, integer or
 *                                     object. S: null; value typed                          J S
 * delta    key, delta (JSON object)   the version written                                   J
 * del      key                        J: {deleted} and, if it was, {owner, ts, tombstone};
 *                                     S: always fails in js2p 0.7.870                       J S
 * snapshot                            {entries: [{k, v (hex), o, t, j}], deleted: [{k, o, t}]} J
 * history  key                        {changes}: the last 20 changes of the key             J
 * get, api_get  key                   typed value or null (get: js2p's data, falsy values
 *                                     included; api_get: js2p's own get)                    S
 * apply_delta   key, delta (typed)    null                                                  S
 * send     packets (typed), flag, type  null: socket.send(packets, flag, type)             S
 * keys, items                         [key] / [[key, typed value, owner, timestamp]]        S
 * close                               null, then the child closes its node and exits        J S P
 * </pre>
 *
 * {@link JavaNode}'s and {@code driver.js}'s arguments are in their own documentation
 * ({@code interop/js2p/README.md} also lists js2p's events and the typed values).
 *
 * <p>
 * Every wait is bounded: {@link Launch#readyTimeout()} for start-up,
 * {@link Launch#commandTimeout()} per command unless the caller gives one, 5 s for exit.
 * Failures are {@link AssertionError}s that name the node and quote the end of its log.
 * Thread-safe; stdout is read by one daemon thread.
 */
public final class ChildNode implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ChildNode.class);

	/** The only address the children bind to and dial. */
	public static final String HOST = "127.0.0.1";

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);

	private static final int LOG_TAIL = 30;

	private static final int EVENTS_SHOWN = 50;

	private static final ObjectMapper mapper = new ObjectMapper();

	/** End-of-stream marker in the event queue; never exposed. */
	private static final JsonNode EXITED = mapper.createObjectNode().put("event", "<exited>");

	private final Launch launch;

	private final Process process;

	private final Writer stdin;

	private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();

	private final Map<Long, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();

	private final AtomicLong commandIds = new AtomicLong();

	private final BlockingQueue<JsonNode> unconsumedEvents = new LinkedBlockingQueue<>();

	private final List<JsonNode> events = new CopyOnWriteArrayList<>();

	private final AtomicBoolean ended = new AtomicBoolean();

	private volatile boolean exited;

	private volatile boolean killed;

	/**
	 * What to start and how long to wait for it.
	 *
	 * @param name a name for messages and thread names
	 * @param command the program and its arguments
	 * @param directory the working directory, or null for this process's
	 * @param log where the child's stderr goes (directories are created)
	 * @param readyTimeout how long start-up may take
	 * @param commandTimeout how long a command may take unless the caller says
	 */
	public record Launch(String name, List<String> command, @Nullable Path directory, Path log, Duration readyTimeout,
			Duration commandTimeout) {

		public Launch {
			Objects.requireNonNull(name, "'name' must not be null");
			command = List.copyOf(command);
			Objects.requireNonNull(log, "'log' must not be null");
			Objects.requireNonNull(readyTimeout, "'readyTimeout' must not be null");
			Objects.requireNonNull(commandTimeout, "'commandTimeout' must not be null");
		}

		/** In this working directory, 30 s for start-up and 10 s per command. */
		public Launch(String name, List<String> command, Path log) {
			this(name, command, null, log, Duration.ofSeconds(30), Duration.ofSeconds(10));
		}

		public Launch in(Path directory) {
			return new Launch(this.name, this.command, directory, this.log, this.readyTimeout, this.commandTimeout);
		}

		public Launch timeouts(Duration readyTimeout, Duration commandTimeout) {
			return new Launch(this.name, this.command, this.directory, this.log, readyTimeout, commandTimeout);
		}

	}

	private ChildNode(Launch launch, Process process) {
		this.launch = launch;
		this.process = process;
		this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
		Thread reader = new Thread(this::readStdout, "child-" + launch.name() + "-" + process.pid());
		reader.setDaemon(true);
		reader.start();
	}

	/** Starts the process and returns at once; see {@link #awaitReady()}. */
	public static ChildNode launch(Launch launch) {
		try {
			Files.createDirectories(launch.log().toAbsolutePath().getParent());
			ProcessBuilder builder = new ProcessBuilder(launch.command()).redirectError(launch.log().toFile());
			if (launch.directory() != null) {
				builder.directory(launch.directory().toFile());
			}
			return new ChildNode(launch, builder.start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + launch.name() + ": " + launch.command(), ex);
		}
	}

	/** Starts the process and waits until its node listens; kills it if it does not. */
	public static ChildNode start(Launch launch) {
		ChildNode node = launch(launch);
		try {
			return node.awaitReady();
		}
		catch (RuntimeException | Error ex) {
			node.kill();
			throw ex;
		}
	}

	/** The {@code java} of this JVM, for child JVMs. */
	public static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/**
	 * A port on {@link #HOST} that was free a moment ago (probed with
	 * {@code ServerSocket(0)}), for a child to bind and re-bind on restarts.
	 */
	public static int freePort() {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return probe.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits until the child has printed its ready line. */
	public ChildNode awaitReady() {
		Duration timeout = this.launch.readyTimeout();
		try {
			this.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return this;
		}
		catch (TimeoutException ex) {
			throw new AssertionError(this + " not ready within " + timeout + diagnostics(), ex);
		}
		catch (ExecutionException ex) {
			throw new AssertionError(ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while starting " + this, ex);
		}
	}

	/** Whether the ready line came and the process has not exited. */
	public boolean isReady() {
		return this.ready.isDone() && !this.ready.isCompletedExceptionally() && !this.exited;
	}

	/** The ready line (after {@link #awaitReady()}). */
	public JsonNode readyEvent() {
		return this.ready.join();
	}

	public String name() {
		return this.launch.name();
	}

	/** The port the node listens on, from its ready line. */
	public int port() {
		return readyEvent().path("port").asInt();
	}

	/** The node id, from its ready line. */
	public String id() {
		return readyEvent().path("id").asText();
	}

	public long pid() {
		return this.process.pid();
	}

	public Path log() {
		return this.launch.log();
	}

	// ------------------------------------------------------------------ commands

	/**
	 * Sends a command without waiting; {@link #reply} or {@link #result} waits for its
	 * reply.
	 * @param cmd the command name
	 * @param args its arguments (JSON-serializable values, or {@link JsonNode}s)
	 * @return the future reply
	 * @throws AssertionError when the process has exited or takes no input
	 */
	public CompletableFuture<JsonNode> send(String cmd, Map<String, ?> args) {
		long id = this.commandIds.incrementAndGet();
		ObjectNode line = mapper.createObjectNode().put("id", id).put("cmd", cmd);
		args.forEach((name, value) -> line.set(name, mapper.valueToTree(value)));
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		this.replies.put(id, reply);
		if (this.exited) {
			this.replies.remove(id);
			throw new AssertionError(this + " has exited; cannot run " + line + diagnostics());
		}
		writeLine(line);
		return reply;
	}

	/**
	 * Waits for a reply, whatever it says.
	 * @param reply what {@link #send} returned
	 * @param what the command, for messages
	 * @param timeout how long to wait at most
	 * @return the whole reply
	 * @throws AssertionError on timeout or when the process exits first
	 */
	public JsonNode reply(CompletableFuture<JsonNode> reply, String what, Duration timeout) {
		try {
			return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new AssertionError(this + " did not answer '" + what + "' within " + timeout + diagnostics(), ex);
		}
		catch (ExecutionException ex) {
			throw new AssertionError(ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted while waiting for " + this + " to answer '" + what + "'", ex);
		}
	}

	/**
	 * Waits for a reply and returns its result.
	 * @throws AssertionError on timeout, when the process exits first, or when the reply
	 * is not {@code ok}
	 */
	public JsonNode result(CompletableFuture<JsonNode> reply, String what, Duration timeout) {
		JsonNode answer = reply(reply, what, timeout);
		if (!answer.path("ok").asBoolean()) {
			throw new AssertionError(this + " '" + what + "' failed: " + answer.path("error").asText() + ": "
					+ answer.path("message").asText());
		}
		return answer.path("result");
	}

	/** Sends a command and waits for its reply, whatever it says. */
	public JsonNode tryCommand(String cmd, Map<String, ?> args) {
		return reply(send(cmd, args), cmd + " " + args, this.launch.commandTimeout());
	}

	/** Sends a command and returns its result; fails unless the reply is {@code ok}. */
	public JsonNode command(String cmd, Map<String, ?> args) {
		return result(send(cmd, args), cmd + " " + args, this.launch.commandTimeout());
	}

	/** A command without arguments. */
	public JsonNode command(String cmd) {
		return command(cmd, Map.of());
	}

	private void writeLine(JsonNode line) {
		try {
			synchronized (this.stdin) {
				this.stdin.write(line.toString());
				this.stdin.write('\n');
				this.stdin.flush();
			}
		}
		catch (IOException ex) {
			throw new AssertionError(this + " cannot take commands" + diagnostics(), ex);
		}
	}

	// ------------------------------------------------------------------ events

	/**
	 * Consumes events, oldest first, until one matches; the consumed non-matching events
	 * are dropped from the queue (they stay in {@link #events()}).
	 * @throws AssertionError on timeout or when the process exits first, listing the
	 * events skipped
	 */
	public JsonNode awaitEvent(Predicate<? super JsonNode> predicate, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<JsonNode> skipped = new ArrayList<>();
		try {
			while (true) {
				long remaining = deadline - System.nanoTime();
				JsonNode event = (remaining > 0) ? this.unconsumedEvents.poll(remaining, TimeUnit.NANOSECONDS) : null;
				if (event == null) {
					throw new AssertionError("No matching event from " + this + " within " + timeout
							+ "; skipped while waiting: " + skipped + diagnostics());
				}
				if (event == EXITED) {
					this.unconsumedEvents.add(EXITED);
					throw new AssertionError(this + " exited while waiting for an event; skipped while waiting: "
							+ skipped + diagnostics());
				}
				if (predicate.test(event)) {
					return event;
				}
				skipped.add(event);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for an event from " + this, ex);
		}
	}

	/** Every event so far (consumed or not), oldest first, the ready line included. */
	public List<JsonNode> events() {
		return List.copyOf(this.events);
	}

	// ------------------------------------------------------------------ ending

	/**
	 * Kills the child as a crash would (SIGKILL on Linux:
	 * {@link Process#destroyForcibly()}) and waits for the exit. Idempotent;
	 * {@link #close()} afterwards does nothing.
	 */
	public void kill() {
		this.ended.set(true);
		this.killed = true;
		this.process.destroyForcibly();
		waitForExit();
	}

	/**
	 * Asks the child to close its node and exit; kills it if it has not within 5 s.
	 * Idempotent.
	 */
	@Override
	public void close() {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		if (this.process.isAlive() && !this.exited) {
			try {
				// the reply is not awaited: the exit is the answer
				writeLine(mapper.createObjectNode().put("id", this.commandIds.incrementAndGet()).put("cmd", "close"));
				this.stdin.close();
			}
			catch (AssertionError | IOException ex) {
				logger.debug("{} did not take the close command", this, ex);
			}
			try {
				if (!this.process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					logger.warn("{} did not exit within {}; killing it", this, EXIT_TIMEOUT);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.process.destroyForcibly();
		waitForExit();
	}

	/** Whether the process still runs. */
	public boolean isAlive() {
		return !this.exited && this.process.isAlive();
	}

	private void waitForExit() {
		try {
			if (!this.process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("{} still alive {} after SIGKILL", this, EXIT_TIMEOUT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** The lines of the child's log that contain {@code text}, e.g. Netty's "LEAK:". */
	public List<String> logLines(String text) {
		try {
			return Files.readAllLines(this.launch.log(), StandardCharsets.UTF_8)
				.stream()
				.filter((line) -> line.contains(text))
				.toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	@Override
	public String toString() {
		JsonNode readyLine = this.ready.getNow(null);
		return this.launch.name() + "[pid " + this.process.pid()
				+ ((readyLine != null) ? ", port " + readyLine.path("port").asInt() : "") + "]";
	}

	// ------------------------------------------------------------------ child output

	private void readStdout() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				onLine(line);
			}
		}
		catch (IOException ex) {
			logger.debug("{} stdout closed", this, ex);
		}
		finally {
			onExit();
		}
	}

	private void onLine(String line) {
		JsonNode message;
		try {
			message = line.startsWith("{") ? mapper.readTree(line) : null;
		}
		catch (JsonProcessingException ex) {
			message = null;
		}
		if (message == null) {
			// e.g. a JVM's own notice (-XX:StartFlightRecording) or a stray console.log
			logger.warn("{} stdout: {}", this, line);
			return;
		}
		if (message.has("reply")) {
			CompletableFuture<JsonNode> reply = this.replies.remove(message.path("reply").asLong());
			if (reply != null) {
				reply.complete(message);
			}
			return;
		}
		this.events.add(message);
		this.unconsumedEvents.add(message);
		String event = message.path("event").asText();
		if ("ready".equals(event)) {
			this.ready.complete(message);
		}
		else if ("error".equals(event) && !this.ready.isDone()) {
			this.ready.completeExceptionally(
					new AssertionError(this + " failed to start: " + message.path("message").asText() + diagnostics()));
		}
	}

	private void onExit() {
		String code = "unknown";
		try {
			if (this.process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				code = Integer.toString(this.process.exitValue());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.exited = true;
		AssertionError exit = new AssertionError(
				this + " exited (code " + code + ")" + (this.killed ? " (killed)" : "") + diagnostics());
		this.ready.completeExceptionally(exit);
		this.replies.values().forEach((reply) -> reply.completeExceptionally(exit));
		this.unconsumedEvents.add(EXITED);
		if (!this.ended.get()) {
			logger.warn("{} exited unexpectedly (code {})", this, code);
		}
	}

	private String diagnostics() {
		StringBuilder text = new StringBuilder();
		List<JsonNode> seen = List.copyOf(this.events);
		if (seen.size() > 1) {
			text.append("\n  events (last ").append(EVENTS_SHOWN).append("): ");
			text.append(seen.subList(Math.max(0, seen.size() - EVENTS_SHOWN), seen.size()));
		}
		try {
			List<String> lines = Files.readAllLines(this.launch.log(), StandardCharsets.UTF_8);
			text.append("\n  log ").append(this.launch.log()).append(" (last lines):\n    ");
			text.append(String.join("\n    ", lines.subList(Math.max(0, lines.size() - LOG_TAIL), lines.size())));
		}
		catch (IOException ex) {
			text.append("\n  log ").append(this.launch.log()).append(" unreadable: ").append(ex);
		}
		return text.toString();
	}

}
