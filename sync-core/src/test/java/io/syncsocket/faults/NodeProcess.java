package io.syncsocket.faults;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncsocket.Leasing;
import io.syncsocket.faults.Versions.Snapshot;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One syncsocket node in its own JVM ({@link FaultNode}), started with the test's class
 * path, driven over stdin/stdout JSON lines, and killed with SIGKILL
 * ({@link Process#destroyForcibly()} on Linux) or closed. A restart is a new
 * {@code NodeProcess} from the same {@link Spec}: same port, and a new node id unless the
 * spec fixes one.
 *
 * <p>
 * Every wait is bounded: 30 s for start-up, 10 s per command, 5 s for exit. The child's
 * stderr (its log) goes to {@code target/fault-logs/<name>-<n>.log};
 * {@link #leakReports()} scans it for Netty leak reports (children run with leak
 * detection on paranoid too). Thread-safe; stdout is read by one daemon thread.
 */
final class NodeProcess implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NodeProcess.class);

	static final String HOST = "127.0.0.1";

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(5);

	private static final ObjectMapper mapper = new ObjectMapper();

	private static final Path LOG_DIR = Paths.get("target", "fault-logs");

	private static final AtomicInteger starts = new AtomicInteger();

	private final Spec spec;

	private final Process process;

	private final Path log;

	private final Writer stdin;

	private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();

	private final Map<Long, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();

	private final AtomicLong commandIds = new AtomicLong();

	private volatile boolean exited;

	private volatile boolean killed;

	private NodeProcess(Spec spec, Process process, Path log) {
		this.spec = spec;
		this.process = process;
		this.log = log;
		this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
		Thread reader = new Thread(this::readStdout, "fault-node-" + spec.name() + "-" + process.pid());
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * What to start.
	 *
	 * @param name a name for logs and thread names
	 * @param port the fixed port (see {@link #freePort()})
	 * @param leasing the leasing mode
	 * @param seeds ports on {@link #HOST} to dial and re-dial (usually proxies)
	 * @param nodeId a fixed node id, or null for a fresh derived one per start
	 * @param extraArgs further {@code --name value} pairs for {@link FaultNode}
	 * @param jvmArgs further options for the child JVM (system properties)
	 */
	record Spec(String name, int port, Leasing leasing, List<Integer> seeds, @Nullable String nodeId,
			List<String> extraArgs, List<String> jvmArgs) {

		Spec {
			seeds = List.copyOf(seeds);
			extraArgs = List.copyOf(extraArgs);
			jvmArgs = List.copyOf(jvmArgs);
		}

		Spec(String name, int port, Leasing leasing, List<Integer> seeds, @Nullable String nodeId,
				List<String> extraArgs) {
			this(name, port, leasing, seeds, nodeId, extraArgs, List.of());
		}

		Spec withSeeds(List<Integer> seeds) {
			return new Spec(this.name, this.port, this.leasing, seeds, this.nodeId, this.extraArgs, this.jvmArgs);
		}

		Spec withNodeId(@Nullable String nodeId) {
			return new Spec(this.name, this.port, this.leasing, this.seeds, nodeId, this.extraArgs, this.jvmArgs);
		}

	}

	/**
	 * A port that was free a moment ago (probed with {@code ServerSocket(0)}), to bind
	 * and re-bind on restarts.
	 */
	static int freePort() {
		try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
			return probe.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Launches the JVM and returns at once; see {@link #awaitReady()}. */
	static NodeProcess launch(Spec spec) {
		List<String> command = new ArrayList<>(
				List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-Xss512k",
						"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
						"-Dio.netty.leakDetection.level=paranoid"));
		command.addAll(spec.jvmArgs());
		command.addAll(List.of("-cp", ClassPathSnapshot.classPath(), FaultNode.class.getName(), "--name", spec.name(),
				"--port", Integer.toString(spec.port()), "--leasing", spec.leasing().name()));
		for (int seed : spec.seeds()) {
			command.add("--seed");
			command.add(HOST + ":" + seed);
		}
		if (spec.nodeId() != null) {
			command.add("--node-id");
			command.add(spec.nodeId());
		}
		command.addAll(spec.extraArgs());
		try {
			Files.createDirectories(LOG_DIR);
			Path log = LOG_DIR.resolve(spec.name() + "-" + starts.incrementAndGet() + ".log");
			Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
			return new NodeProcess(spec, process, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + spec, ex);
		}
	}

	/** Launches the JVM and waits until its socket is bound. */
	static NodeProcess start(Spec spec) {
		NodeProcess node = launch(spec);
		try {
			node.awaitReady();
		}
		catch (RuntimeException | Error ex) {
			node.kill();
			throw ex;
		}
		return node;
	}

	NodeProcess awaitReady() {
		try {
			this.ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return this;
		}
		catch (TimeoutException ex) {
			throw new AssertionError(this + " not ready within " + READY_TIMEOUT + diagnostics(), ex);
		}
		catch (ExecutionException ex) {
			throw new AssertionError(ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

	boolean isReady() {
		return this.ready.isDone() && !this.ready.isCompletedExceptionally() && !this.exited;
	}

	Spec spec() {
		return this.spec;
	}

	String name() {
		return this.spec.name();
	}

	int port() {
		return this.spec.port();
	}

	/** The node id this process runs with (after {@link #awaitReady()}). */
	String id() {
		return this.ready.join().path("id").asText();
	}

	// ------------------------------------------------------------------ commands

	/**
	 * Sends a command and waits (at most 10 s) for its reply, whatever it says.
	 * @throws AssertionError on timeout or when the process has exited
	 */
	JsonNode command(String cmd, Object... namesAndValues) {
		long id = this.commandIds.incrementAndGet();
		ObjectNode line = mapper.createObjectNode().put("id", id).put("cmd", cmd);
		for (int i = 0; i < namesAndValues.length; i += 2) {
			line.set((String) namesAndValues[i], mapper.valueToTree(namesAndValues[i + 1]));
		}
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		this.replies.put(id, reply);
		try {
			if (this.exited) {
				throw new AssertionError(this + " has exited; cannot run " + cmd);
			}
			synchronized (this.stdin) {
				this.stdin.write(line.toString());
				this.stdin.write('\n');
				this.stdin.flush();
			}
			return reply.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (IOException ex) {
			throw new AssertionError(this + " cannot take commands" + diagnostics(), ex);
		}
		catch (TimeoutException ex) {
			throw new AssertionError(this + " did not answer " + line + " within " + COMMAND_TIMEOUT + diagnostics(),
					ex);
		}
		catch (ExecutionException ex) {
			throw new AssertionError(ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
		finally {
			this.replies.remove(id);
		}
	}

	/** Sends a command and fails unless the reply says {@code ok}. */
	JsonNode ok(String cmd, Object... namesAndValues) {
		JsonNode reply = command(cmd, namesAndValues);
		if (!reply.path("ok").asBoolean()) {
			throw new AssertionError(this + " " + cmd + " " + List.of(namesAndValues) + " failed: " + reply);
		}
		return reply;
	}

	/**
	 * {@code set}: the reply (ok with the created version, or an error such as
	 * {@code lease}).
	 */
	JsonNode set(String key, Object value) {
		return command("set", "key", key, "value", value);
	}

	JsonNode del(String key) {
		return command("del", "key", key);
	}

	JsonNode delta(String key, Map<String, ?> delta) {
		return command("delta", "key", key, "delta", delta);
	}

	Snapshot snapshot() {
		return Snapshot.parse(name(), ok("items"));
	}

	/** The ids of the handshaken peers. */
	List<String> peerIds() {
		List<String> ids = new ArrayList<>();
		ok("peers").path("peers").forEach((peer) -> ids.add(peer.path("id").asText()));
		return ids;
	}

	// ------------------------------------------------------------------ ending

	/**
	 * SIGKILL (on Linux {@code destroyForcibly} sends SIGKILL) and wait for the exit.
	 * Idempotent.
	 */
	void kill() {
		this.killed = true;
		this.process.destroyForcibly();
		waitForExit();
	}

	/**
	 * Asks the node to close its socket and exit; kills it if it has not within 5 s.
	 * Idempotent.
	 */
	@Override
	public void close() {
		if (this.process.isAlive() && !this.exited) {
			try {
				synchronized (this.stdin) {
					this.stdin.write(mapper.createObjectNode().put("id", 0).put("cmd", "close").toString());
					this.stdin.write('\n');
					this.stdin.flush();
				}
			}
			catch (IOException ex) {
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

	private void waitForExit() {
		try {
			if (!this.process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("{} (pid {}) still alive {} after SIGKILL", this, this.process.pid(), EXIT_TIMEOUT);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Netty leak reports in this process's log. */
	List<String> leakReports() {
		try {
			return Files.readAllLines(this.log, StandardCharsets.UTF_8)
				.stream()
				.filter((l) -> l.contains("LEAK:"))
				.toList();
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	@Override
	public String toString() {
		return this.spec.name() + "[pid " + this.process.pid() + ", port " + this.spec.port() + "]";
	}

	/**
	 * The test class path for the children, with its directories ({@code target/classes},
	 * {@code target/test-classes}) copied once per test JVM: a build running in the same
	 * checkout (another module, an IDE) rewrites those directories, and a child JVM
	 * started in that moment would miss classes.
	 */
	private static final class ClassPathSnapshot {

		private static final String CLASS_PATH = snapshot();

		static String classPath() {
			return CLASS_PATH;
		}

		private static String snapshot() {
			// surefire's manifest-only jar hides the entries in its Class-Path; surefire
			// also sets this property
			String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
			Path copies = Paths.get("target", "fault-classpath", Long.toString(ProcessHandle.current().pid()));
			List<String> entries = new ArrayList<>();
			int n = 0;
			for (String entry : classPath.split(java.io.File.pathSeparator)) {
				Path path = Paths.get(entry);
				if (!Files.isDirectory(path)) {
					entries.add(entry);
					continue;
				}
				Path copy = copies.resolve(Integer.toString(n++));
				copyTree(path, copy);
				entries.add(copy.toAbsolutePath().toString());
			}
			String result = String.join(java.io.File.pathSeparator, entries);
			for (Class<?> needed : List.of(FaultNode.class, io.syncsocket.SyncSocket.class,
					io.syncsocket.LeaseHeldException.class)) {
				String resource = needed.getName().replace('.', '/') + ".class";
				boolean found = entries.stream().anyMatch((e) -> Files.isRegularFile(Paths.get(e).resolve(resource)));
				if (!found) {
					throw new IllegalStateException(
							"class path snapshot misses " + resource + " (a build was running?)");
				}
			}
			return result;
		}

		private static void copyTree(Path from, Path to) {
			try (java.util.stream.Stream<Path> files = Files.walk(from)) {
				for (Path file : (Iterable<Path>) files::iterator) {
					Path target = to.resolve(from.relativize(file).toString());
					if (Files.isDirectory(file)) {
						Files.createDirectories(target);
					}
					else {
						Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not copy " + from + " for the node processes", ex);
			}
		}

	}

	// ------------------------------------------------------------------ child output

	private void readStdout() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (!line.startsWith("{")) {
					continue;
				}
				JsonNode message = mapper.readTree(line);
				if (message.has("reply")) {
					CompletableFuture<JsonNode> reply = this.replies.get(message.path("reply").asLong());
					if (reply != null) {
						reply.complete(message);
					}
				}
				else if ("ready".equals(message.path("event").asText())) {
					this.ready.complete(message);
				}
				else if ("error".equals(message.path("event").asText())) {
					this.ready.completeExceptionally(
							new AssertionError(this + " failed to start: " + message + diagnostics()));
				}
			}
		}
		catch (IOException ex) {
			logger.debug("{} stdout closed", this, ex);
		}
		finally {
			this.exited = true;
			AssertionError exit = new AssertionError(
					this + " exited" + (this.killed ? " (killed)" : "") + diagnostics());
			this.ready.completeExceptionally(exit);
			this.replies.values().forEach((reply) -> reply.completeExceptionally(exit));
		}
	}

	private String diagnostics() {
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return "\n  log " + this.log + " (last lines):\n    "
					+ String.join("\n    ", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
		}
		catch (IOException ex) {
			return "";
		}
	}

}
