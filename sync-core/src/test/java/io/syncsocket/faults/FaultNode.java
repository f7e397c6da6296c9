package io.syncsocket.faults;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.Leasing;
import io.syncsocket.faults.Versions.Snapshot;
import io.syncsocket.testkit.ChildNode;
import io.syncsocket.testkit.JavaNode;
import org.jspecify.annotations.Nullable;

/**
 * One syncsocket node in its own JVM as the fault tests see it: a {@link JavaNode} that
 * records its writes ({@code --record true}), started through {@link ChildNode} with the
 * test's class path, and killed with SIGKILL or closed. A restart is a new
 * {@code FaultNode} from the same {@link Spec}: same port, and a new node id unless the
 * spec fixes one.
 *
 * <p>
 * Waits as {@link ChildNode}'s defaults: 30 s for start-up, 10 s per command, 5 s for
 * exit. The child's log goes to {@code target/fault-logs/<name>-<n>.log};
 * {@link #leakReports()} scans it for Netty leak reports (children run with leak
 * detection on paranoid too). Thread-safe.
 */
final class FaultNode implements AutoCloseable {

	static final String HOST = ChildNode.HOST;

	private static final Path LOG_DIR = Paths.get("target", "fault-logs");

	private static final AtomicInteger starts = new AtomicInteger();

	private final Spec spec;

	private final ChildNode child;

	private FaultNode(Spec spec, ChildNode child) {
		this.spec = spec;
		this.child = child;
	}

	/**
	 * What to start.
	 *
	 * @param name a name for logs and thread names
	 * @param port the fixed port (see {@link #freePort()})
	 * @param leasing the leasing mode
	 * @param seeds ports on {@link #HOST} to dial and re-dial (usually proxies)
	 * @param nodeId a fixed node id, or null for a fresh derived one per start
	 * @param extraArgs further {@code --name value} pairs for {@link JavaNode}
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

	/** A port that was free a moment ago, to bind and re-bind on restarts. */
	static int freePort() {
		return ChildNode.freePort();
	}

	/**
	 * Launches the JVM and returns at once; see {@link #awaitReady()}. The fault tests'
	 * settings come first, so {@link Spec#extraArgs()} can override them: only the seed
	 * links (through the tests' proxies) may exist, so no peer-list following
	 * ({@code --max-outgoing 0}).
	 */
	static FaultNode launch(Spec spec) {
		List<String> command = new ArrayList<>(
				List.of(ChildNode.javaExecutable(), "-Xmx128m", "-Xss512k", "-XX:+UseSerialGC",
						"-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Dio.netty.leakDetection.level=paranoid"));
		command.addAll(spec.jvmArgs());
		command.addAll(List.of("-cp", ClassPathSnapshot.classPath(), JavaNode.class.getName(), "--record", "true",
				"--name", spec.name(), "--port", Integer.toString(spec.port()), "--leasing", spec.leasing().name(),
				"--seed-retry-ms", "200,2000", "--handshake-timeout-ms", "5000", "--stall-timeout-ms", "60000",
				"--max-outgoing", "0", "--io-threads", "1"));
		for (int seed : spec.seeds()) {
			command.add("--seed");
			command.add(HOST + ":" + seed);
		}
		if (spec.nodeId() != null) {
			command.add("--node-id");
			command.add(spec.nodeId());
		}
		command.addAll(spec.extraArgs());
		Path log = LOG_DIR.resolve(spec.name() + "-" + starts.incrementAndGet() + ".log");
		return new FaultNode(spec, ChildNode.launch(new ChildNode.Launch(spec.name(), command, log)));
	}

	/** Launches the JVM and waits until its socket is bound. */
	static FaultNode start(Spec spec) {
		FaultNode node = launch(spec);
		try {
			return node.awaitReady();
		}
		catch (RuntimeException | Error ex) {
			node.kill();
			throw ex;
		}
	}

	FaultNode awaitReady() {
		this.child.awaitReady();
		return this;
	}

	boolean isReady() {
		return this.child.isReady();
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
		return this.child.id();
	}

	// ------------------------------------------------------------------ commands

	/** A command's result; fails unless the reply says {@code ok}. */
	JsonNode command(String cmd, Map<String, ?> args) {
		return this.child.command(cmd, args);
	}

	/**
	 * {@code set}: the reply, ok with the created version as its result, or an error such
	 * as {@code lease}.
	 */
	JsonNode set(String key, Object value) {
		return this.child.tryCommand("set", Map.of("key", key, "value", value));
	}

	JsonNode del(String key) {
		return this.child.tryCommand("del", Map.of("key", key));
	}

	JsonNode delta(String key, Object delta) {
		return this.child.tryCommand("delta", Map.of("key", key, "delta", delta));
	}

	Snapshot snapshot() {
		return Snapshot.parse(name(), this.child.command("snapshot"));
	}

	/** The ids of the handshaken peers. */
	List<String> peerIds() {
		List<String> ids = new ArrayList<>();
		this.child.command("peers").forEach((peer) -> ids.add(peer.path("id").asText()));
		return ids;
	}

	boolean initialSyncComplete() {
		return this.child.command("status").path("initialSyncComplete").asBoolean();
	}

	// ------------------------------------------------------------------ ending

	/** SIGKILL, and wait for the exit. Idempotent. */
	void kill() {
		this.child.kill();
	}

	/** Asks the node to close and exit; kills it if it has not within 5 s. Idempotent. */
	@Override
	public void close() {
		this.child.close();
	}

	/** Netty leak reports in this process's log. */
	List<String> leakReports() {
		return this.child.logLines("LEAK:");
	}

	@Override
	public String toString() {
		return this.child.toString();
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
			for (String entry : classPath.split(File.pathSeparator)) {
				Path path = Paths.get(entry);
				if (!Files.isDirectory(path)) {
					entries.add(entry);
					continue;
				}
				Path copy = copies.resolve(Integer.toString(n++));
				copyTree(path, copy);
				entries.add(copy.toAbsolutePath().toString());
			}
			String result = String.join(File.pathSeparator, entries);
			for (Class<?> needed : List.of(JavaNode.class, io.syncsocket.SyncSocket.class,
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
			try (Stream<Path> files = Files.walk(from)) {
				for (Path file : (Iterable<Path>) files::iterator) {
					Path target = to.resolve(from.relativize(file).toString());
					if (Files.isDirectory(file)) {
						Files.createDirectories(target);
					}
					else {
						Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not copy " + from + " for the node processes", ex);
			}
		}

	}

}
