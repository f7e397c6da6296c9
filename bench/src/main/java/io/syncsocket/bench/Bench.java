package io.syncsocket.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.testkit.ChildNode;
import io.syncsocket.testkit.JavaNode;
import org.jspecify.annotations.Nullable;

/**
 * The benchmark orchestrator: spawns one process per node on 127.0.0.1 (ephemeral ports),
 * connects them, warms up, runs repetitions with fresh key prefixes, and prints one
 * summary line per workload on stdout (progress and per-repetition details go to stderr).
 *
 * <pre>
 * java -cp ... io.syncsocket.bench.Bench &lt;ping|w1|w1-line|w1-zlib|w1-defaults|w2|w3|all&gt;
 *     [--impl java|js2p|jgroups|hazelcast, comma-separated] [--count N] [--samples N] [--keys N] [--reps 3]
 *     [--warmup N|short] [--jvm-opts "..."] [--value-size 100] [--leasing on|off|js2p] [--timeout-s 120]
 *     [--fresh-nodes true|false]
 * </pre>
 *
 * Implementations: {@code java} ({@link JavaNode}, syncsocket), {@code js2p}
 * ({@code interop/js2p/driver.js}), and the peers of issue 12, {@code jgroups} and
 * {@code hazelcast} ({@link PeerNode}: JGroups {@code ReplicatedHashMap}, Hazelcast
 * {@code ReplicatedMap}; W1, W2 and W3 only, since their members form a full mesh with no
 * relay and no compression to switch). With several, every workload runs for each in
 * turn, and a "side by side" line compares the headline figures with ratios syncsocket /
 * other.
 *
 * Workloads (see docs/benchmarks.md):
 * <ul>
 * <li>{@code ping}: a raw 100-byte TCP ping-pong between two processes, the machine's
 * floor.
 * <li>{@code w1}: A sets {@code --count} keys (default 20,000) from one thread as fast as
 * it can; throughput = count / (B counted all update events − A's first set). Links
 * without compression where the implementation can turn it off, else zlib (said in the
 * summary).
 * <li>{@code w1-zlib}: the same with zlib negotiated on the links and every frame
 * compressed.
 * <li>{@code w1-defaults}: the same with each implementation's default options
 * (syncsocket: zlib negotiated, frames under 1 KiB sent raw between syncsocket nodes;
 * js2p: zlib).
 * <li>{@code w1-line}: A — M — B, M relays (no node follows peer lists); measured at B.
 * <li>{@code w2}: A sets one key, B stamps its update event, the orchestrator waits for B
 * before the next; latency = B's stamp − A's stamp just before {@code set}; p50/p90/p99
 * of {@code --samples} (default 2,000) per repetition.
 * <li>{@code w3}: A holds {@code --keys} keys (default 100,000; js2p 10,000); a fresh,
 * empty socket in B connects; time from B's connect call to B's last update event, split
 * into the join (until the handshake, or until the peer's member is in the cluster) and
 * the data. B's JVM is warmed by {@code --warmup} unmeasured joins (each join uses a new
 * socket in the same process).
 * </ul>
 * Warm-up regimes: by default JIT-warm (see {@link Settings#warmup});
 * {@code --warmup short} is the peer harness's short one: fresh JVMs for every
 * repetition, one unmeasured round of 10,000 sets before W1 and W2, no unmeasured join
 * before W3. Stamps are {@code System.nanoTime()} / {@code process.hrtime.bigint()}:
 * CLOCK_MONOTONIC, comparable across processes on one Linux host. Peak RSS is
 * {@code VmHWM} of each node process at the end of the workload (processes are fresh per
 * workload).
 */
public final class Bench {

	/**
	 * Node processes alive, killed by the shutdown hook if the orchestrator is
	 * interrupted.
	 */
	static final Set<ChildNode> CHILDREN = ConcurrentHashMap.newKeySet();

	private static final List<String> WORKLOADS = List.of("ping", "w1", "w1-line", "w1-zlib", "w1-defaults", "w2",
			"w3");

	private static final List<String> IMPLS = List.of("java", "js2p", "jgroups", "hazelcast");

	/**
	 * Options of the node JVMs that run Hazelcast: the module openings it asks for on
	 * Java 17.
	 */
	private static final List<String> HAZELCAST_JVM_OPTIONS = List.of("--add-modules", "java.se", "--add-exports",
			"java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens",
			"java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
			"--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

	private static final double MIB = 1024.0 * 1024.0;

	private final Settings settings;

	private final String impl;

	private final Path logDir;

	private final CpuWatch cpu = new CpuWatch();

	private Bench(Settings settings, String impl, Path logDir) {
		this.settings = settings;
		this.impl = impl;
		this.logDir = logDir;
	}

	public static void main(String[] args) {
		Settings settings;
		try {
			settings = Settings.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("bench: " + ex.getMessage());
			System.err.println("usage: Bench <ping|w1|w1-line|w1-zlib|w1-defaults|w2|w3|all>"
					+ " [--impl java|js2p|jgroups|hazelcast[,...]] [--count N] [--samples N] [--keys N] [--reps N]"
					+ " [--warmup N|short] [--jvm-opts \"...\"] [--value-size N] [--leasing on|off|js2p] [--timeout-s N]"
					+ " [--fresh-nodes true|false]");
			System.exit(2);
			return;
		}
		// An application main, not library code: make sure no node outlives an
		// interrupted run.
		Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(ChildNode::kill)));
		Path runDir = settings.root.resolve("bench/target/bench-logs")
			.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
		List<String> workloads = settings.workload.equals("all") ? WORKLOADS : List.of(settings.workload);
		boolean failed = false;
		// workload by workload, every implementation in turn: the figures compared are
		// close in time
		for (String workload : workloads) {
			Map<String, Outcome> outcomes = new LinkedHashMap<>();
			for (String impl : settings.impls) {
				if (workload.equals("ping") && settings.workload.equals("all") && !impl.equals(settings.impls.get(0))) {
					continue; // a property of the machine, measured once
				}
				Bench bench = new Bench(settings, impl, runDir.resolve(workload + "-" + impl));
				Outcome outcome;
				try {
					outcome = bench.run(workload);
				}
				catch (RuntimeException | AssertionError ex) {
					failed = true;
					outcome = new Outcome(label(workload) + " " + impl + ": FAILED: " + ex.getMessage(), Map.of());
				}
				finally {
					CHILDREN.forEach(ChildNode::kill);
					CHILDREN.clear();
				}
				outcomes.put(impl, outcome);
				System.out.println(outcome.summary());
				System.out.flush();
			}
			String sideBySide = sideBySide(workload, outcomes);
			if (sideBySide != null) {
				System.out.println(sideBySide);
				System.out.flush();
			}
		}
		System.exit(failed ? 1 : 0);
	}

	/**
	 * The headline figures of one workload for every implementation that has them, each
	 * with the ratio syncsocket / that implementation; {@code null} with fewer than two.
	 */
	static @Nullable String sideBySide(String workload, Map<String, Outcome> outcomes) {
		Map<String, Outcome> measured = new LinkedHashMap<>();
		outcomes.forEach((impl, outcome) -> {
			if (!outcome.figures().isEmpty()) {
				measured.put(impl, outcome);
			}
		});
		if (measured.size() < 2) {
			return null;
		}
		Outcome java = measured.get("java");
		List<String> parts = new ArrayList<>();
		Outcome first = measured.values().iterator().next();
		for (Figure figure : first.figures().keySet()) {
			List<String> values = new ArrayList<>();
			measured.forEach((impl, outcome) -> {
				Double value = outcome.figures().get(figure);
				if (value == null) {
					return;
				}
				String text = impl + " " + figure.format(value);
				Double ours = (java != null) ? java.figures().get(figure) : null;
				if (ours != null && !impl.equals("java")) {
					text += " (syncsocket/" + impl + " " + ratio(ours / value) + ")";
				}
				values.add(text);
			});
			parts.add(figure.label + ": " + String.join(" | ", values));
		}
		return label(workload) + " side by side: " + String.join("; ", parts)
				+ " (sets/s: higher is better; µs and ms: lower is better)";
	}

	private static String ratio(double ratio) {
		return (ratio >= 10) ? String.format(Locale.US, "%.0f", ratio)
				: (ratio >= 1) ? String.format(Locale.US, "%.2f", ratio) : String.format(Locale.US, "%.3f", ratio);
	}

	/** A headline figure of a workload, compared side by side. */
	enum Figure {

		SETS_PER_S("sets/s", false), P50("p50 µs", true), P90("p90 µs", true), P99("p99 µs", true),
		JOIN_TOTAL("connect → all keys ms", false), JOIN_CLUSTER("join ms", false), JOIN_DATA("data ms", false);

		final String label;

		private final boolean micros;

		Figure(String label, boolean micros) {
			this.label = label;
			this.micros = micros;
		}

		String format(double value) {
			return this.micros ? micros(value) : (this == SETS_PER_S) ? number(value) : decimal(value);
		}

	}

	/**
	 * One workload's summary line, and its headline figures (none when it was not
	 * measured).
	 */
	record Outcome(String summary, Map<Figure, Double> figures) {
	}

	/**
	 * Nodes start with their implementation's default compression settings (w1-defaults).
	 */
	private boolean defaultOptions;

	private Outcome run(String workload) {
		progress("%s %s: logs in %s", label(workload), this.impl, this.logDir);
		if (this.impl.equals("java")) {
			progress("  sync-core: %s", syncCoreLocation());
		}
		String unsupported = Settings.isPeer(this.impl) ? peerUnsupported(workload) : null;
		if (unsupported != null) {
			return new Outcome(label(workload) + " " + this.impl + ": n/a (" + unsupported + ")", Map.of());
		}
		Map<Figure, Double> figures = new EnumMap<>(Figure.class);
		String summary = switch (workload) {
			case "ping" -> ping();
			case "w1" -> w1(workload, false, false, figures);
			case "w1-zlib" -> w1(workload, false, true, figures);
			case "w1-line" -> w1(workload, true, false, figures);
			case "w1-defaults" -> {
				this.defaultOptions = true;
				try {
					yield w1(workload, false, true, figures);
				}
				finally {
					this.defaultOptions = false;
				}
			}
			case "w2" -> w2(figures);
			case "w3" -> w3(figures);
			default -> throw new IllegalArgumentException("unknown workload " + workload);
		};
		return new Outcome(summary, figures);
	}

	/** Why JGroups and Hazelcast do not run a workload, or {@code null} if they do. */
	private static @Nullable String peerUnsupported(String workload) {
		return switch (workload) {
			case "w1-line" -> "a cluster is a full mesh, no member relays for another";
			case "w1-zlib" -> "no compression in their stock configurations";
			case "w1-defaults" -> "their W1 already runs their default configuration";
			default -> null;
		};
	}

	// ------------------------------------------------------------------ ping

	/**
	 * Two processes, a 100-byte TCP ping-pong on one connection (5,000 unmeasured round
	 * trips, then {@code reps} × 10,000): the machine's floor for W2, which is one way
	 * (about half).
	 */
	private String ping() {
		int count = 10_000;
		List<String> command = List.of(ChildNode.javaExecutable(), "-cp", System.getProperty("java.class.path"),
				PingPong.class.getName(), Integer.toString(this.settings.valueSize));
		ChildNode server = startChild("echo", command);
		try {
			long[][] reps;
			try {
				reps = pingRounds(server.port(), count);
			}
			catch (java.io.IOException ex) {
				throw new BenchException("ping-pong failed: " + ex.getMessage());
			}
			double[] p50 = new double[reps.length];
			double[] p90 = new double[reps.length];
			for (int rep = 0; rep < reps.length; rep++) {
				long[] times = reps[rep];
				Arrays.sort(times);
				p50[rep] = percentile(times, 50) / 1000.0;
				p90[rep] = percentile(times, 90) / 1000.0;
				progress("  rep %d: p50 %s µs, p90 %s µs, p99 %s µs", rep + 1, micros(p50[rep]), micros(p90[rep]),
						micros(percentile(times, 99) / 1000.0));
			}
			double foreign = this.cpu.foreignCores(List.of(server));
			return String.format(Locale.ROOT,
					"PING: %s-byte TCP round trip p50 %s µs median %s, p90 %s µs %s over %d reps × %s (two processes, "
							+ "blocking sockets, TCP_NODELAY); other processes used %.2f of %d cores",
					this.settings.valueSize, micros(median(p50)), range(p50, Bench::micros), micros(median(p90)),
					range(p90, Bench::micros), this.settings.reps, number(count), foreign,
					Runtime.getRuntime().availableProcessors());
		}
		finally {
			// an echo server that takes no commands: killed
			CpuWatch.retire(server.pid());
			server.kill();
			CHILDREN.remove(server);
		}
	}

	private long[][] pingRounds(int port, int count) throws java.io.IOException {
		long[] times = PingPong.roundTrips(port, this.settings.valueSize, 5_000, count * this.settings.reps);
		long[][] reps = new long[this.settings.reps][];
		for (int rep = 0; rep < this.settings.reps; rep++) {
			reps[rep] = Arrays.copyOfRange(times, rep * count, (rep + 1) * count);
		}
		return reps;
	}

	// ------------------------------------------------------------------ W1

	private String w1(String workload, boolean line, boolean zlib, Map<Figure, Double> figures) {
		int count = this.settings.count(this.impl);
		Pair pair = null;
		try {
			double[] throughput = new double[this.settings.reps];
			double[] local = new double[this.settings.reps];
			for (int rep = 0; rep < this.settings.reps; rep++) {
				if (pair == null || this.settings.fresh(this.impl)) {
					closeAll(pair);
					pair = null;
					pair = warm(pair(line, zlib));
				}
				long[] r = w1Round(pair.a, pair.b, "r" + rep + "-", count);
				throughput[rep] = rate(count, r[2] - r[0]);
				local[rep] = rate(count, r[1] - r[0]);
				progress(
						"  rep %d: %s sets/s (A's set loop took %s ms, %s sets/s; B had all %s ms after A's first set)",
						rep + 1, number(throughput[rep]), millis(r[1] - r[0]), number(local[rep]), millis(r[2] - r[0]));
			}
			String memory = memory(pair.nodes);
			figures.put(Figure.SETS_PER_S, median(throughput));
			return String.format(Locale.ROOT,
					"%s %s: %s sets/s median %s over %d reps of %s sets (%s, links %s%s); "
							+ "A's set() loop alone %s sets/s; %s",
					label(workload), this.impl, number(median(throughput)), range(throughput, Bench::number),
					this.settings.reps, number(count), line ? "A - M - B, M relays" : "A - B", pair.links, freshNote(),
					number(median(local)), memory);
		}
		finally {
			closeAll(pair);
		}
	}

	/**
	 * @return {A's stamp before the first set, A's stamp after the last set, B's last
	 * event stamp}
	 */
	private long[] w1Round(ChildNode a, ChildNode b, String prefix, int n) {
		b.command("arm", Map.of("prefix", prefix));
		var setting = a.send("setmany", Map.of("prefix", prefix, "n", n, "size", this.settings.valueSize));
		var awaiting = b.send("await", Map.of("n", n, "timeoutMs", this.settings.timeoutMillis));
		JsonNode sets = a.result(setting, "setmany " + prefix, longWait());
		JsonNode seen = b.result(awaiting, "await " + n, longWait());
		check(b, prefix, n);
		return new long[] { sets.path("before").asLong(), sets.path("after").asLong(), seen.path("last").asLong() };
	}

	/** A wait for a command that itself waits up to the timeout. */
	private Duration longWait() {
		return Duration.ofMillis(this.settings.timeoutMillis + 5_000);
	}

	/**
	 * A and B connected (B dials A), or A - M - B (A and B dial M, nobody follows peer
	 * lists).
	 */
	private Pair pair(boolean line, boolean zlib) {
		Pair pair = new Pair();
		try {
			boolean compression = zlib;
			pair.a = pair.add(start("A", compression, line, line));
			pair.b = pair.add(start("B", compression, line, true));
			if (line) {
				ChildNode m = pair.add(start("M", compression, true, false));
				connect(pair.a, m);
				connect(pair.b, m);
				awaitPeers(Map.of(pair.a, 1, pair.b, 1, m, 2));
			}
			else {
				connect(pair.b, pair.a);
				awaitPeers(Map.of(pair.a, 1, pair.b, 1));
			}
			pair.links = links(pair.a);
			return pair;
		}
		catch (RuntimeException | AssertionError ex) {
			closeAll(pair);
			throw ex;
		}
	}

	/**
	 * Unmeasured W1 rounds on throwaway keys until the JIT has compiled the hot paths: at
	 * least {@code --warmup} rounds, then more while the JVMs' compilers are still busy
	 * (see {@link #stillCompiling}).
	 */
	private Pair warm(Pair pair) {
		int warmCount = this.settings.warmupCount(this.impl);
		int minimum = this.settings.warmup(this.impl);
		int maximum = this.settings.warmupLimit(this.impl);
		long jit = jitMillis(pair);
		for (int i = 0; i < maximum; i++) {
			long[] r = w1Round(pair.a, pair.b, "wu" + i + "-", warmCount);
			long jitNow = jitMillis(pair);
			progress("  warm-up %d: %s sets/s, JIT compiled for %d ms", i + 1, number(rate(warmCount, r[2] - r[0])),
					jitNow - jit);
			boolean compiling = stillCompiling(jitNow - jit);
			jit = jitNow;
			if (i + 1 >= minimum && !compiling) {
				break;
			}
		}
		return pair;
	}

	/**
	 * Whether the compilers of the nodes spent more than 20 ms in the last warm-up round:
	 * on two cores a busy C2 thread takes CPU from the measured threads and its output
	 * changes the speed (measured: up to 90 % of a core through the first measured rounds
	 * with a fixed warm-up).
	 */
	private static boolean stillCompiling(long jitMillisInRound) {
		return jitMillisInRound > 20;
	}

	/** The nodes' total JIT compilation time (js2p nodes report none). */
	private static long jitMillis(Pair pair) {
		long total = 0;
		for (ChildNode node : pair.nodes) {
			total += stats(node).getOrDefault("jitMillis", 0L);
		}
		return total;
	}

	private String freshNote() {
		return (this.settings.fresh(this.impl) ? "; fresh processes per rep" : "")
				+ (this.settings.shortWarmup ? "; short warm-up" : "");
	}

	/**
	 * The node processes of one set-up: A writes, B is measured (and M relays in a line).
	 */
	private static final class Pair {

		final List<ChildNode> nodes = new ArrayList<>();

		@Nullable ChildNode a;

		@Nullable ChildNode b;

		String links = "?";

		ChildNode add(ChildNode node) {
			this.nodes.add(node);
			return node;
		}

	}

	// ------------------------------------------------------------------ W2

	private String w2(Map<Figure, Double> figures) {
		Pair pair = null;
		try {
			double[] p50 = new double[this.settings.reps];
			double[] p90 = new double[this.settings.reps];
			double[] p99 = new double[this.settings.reps];
			for (int rep = 0; rep < this.settings.reps; rep++) {
				if (pair == null || this.settings.fresh(this.impl)) {
					closeAll(pair);
					pair = null;
					pair = warm(pair(false, this.settings.zlib));
					if (this.settings.warmup(this.impl) > 0) {
						int samples = Math.max(100, this.settings.samples / 2);
						w2Round(pair.a, pair.b, "wl-", samples);
						progress("  warm-up: %d latency samples", samples);
					}
				}
				long[] latencies = w2Round(pair.a, pair.b, "r" + rep + "-", this.settings.samples);
				Arrays.sort(latencies);
				p50[rep] = percentile(latencies, 50) / 1000.0;
				p90[rep] = percentile(latencies, 90) / 1000.0;
				p99[rep] = percentile(latencies, 99) / 1000.0;
				progress("  rep %d: p50 %s µs, p90 %s µs, p99 %s µs, min %s µs, max %s µs", rep + 1, micros(p50[rep]),
						micros(p90[rep]), micros(p99[rep]), micros(latencies[0] / 1000.0),
						micros(latencies[latencies.length - 1] / 1000.0));
			}
			String memory = memory(pair.nodes);
			figures.put(Figure.P50, median(p50));
			figures.put(Figure.P90, median(p90));
			figures.put(Figure.P99, median(p99));
			return String.format(Locale.ROOT,
					"W2 %s: p50 %s µs median %s, p90 %s µs %s, p99 %s µs %s over %d reps × %s samples (A - B, links %s%s); %s",
					this.impl, micros(median(p50)), range(p50, Bench::micros), micros(median(p90)),
					range(p90, Bench::micros), micros(median(p99)), range(p99, Bench::micros), this.settings.reps,
					number(this.settings.samples), pair.links, freshNote(), memory);
		}
		finally {
			closeAll(pair);
		}
	}

	/**
	 * One key at a time; @return latencies in ns (B's event stamp − A's stamp before
	 * set).
	 */
	private long[] w2Round(ChildNode a, ChildNode b, String prefix, int samples) {
		b.command("arm", Map.of("prefix", prefix));
		long[] latencies = new long[samples];
		for (int i = 0; i < samples; i++) {
			long before = a.command("set1", Map.of("prefix", prefix, "i", i, "size", this.settings.valueSize))
				.path("before")
				.asLong();
			long seen = b
				.result(b.send("await", Map.of("n", i + 1, "timeoutMs", this.settings.timeoutMillis)), "await",
						longWait())
				.path("last")
				.asLong();
			latencies[i] = seen - before;
		}
		return latencies;
	}

	// ------------------------------------------------------------------ W3

	private String w3(Map<Figure, Double> figures) {
		int keys = this.settings.keys(this.impl);
		// B joins this often unmeasured first, so C2 has compiled the receive path (one
		// join left the compiler threads busy on both cores through the measured ones)
		int warmup = this.settings.joinWarmup(this.impl);
		int warmupLimit = this.settings.joinWarmupLimit(this.impl);
		Pair pair = null;
		try {
			double[] millis = new double[this.settings.reps];
			double[] clusterMillis = new double[this.settings.reps];
			double[] dataMillis = new double[this.settings.reps];
			int round = 0;
			for (int rep = 0; rep < this.settings.reps; rep++) {
				if (pair == null || this.settings.fresh(this.impl)) {
					closeAll(pair);
					pair = null;
					pair = filled(keys);
					round = 0;
				}
				if (round == 0) {
					long jit = jitMillis(pair);
					for (int i = 0; i < warmupLimit; i++) {
						String joined = millis(join(pair, keys, round++)[0]);
						long jitNow = jitMillis(pair);
						progress("  warm-up join: %s ms, JIT compiled for %d ms", joined, jitNow - jit);
						boolean compiling = stillCompiling(jitNow - jit);
						jit = jitNow;
						if (i + 1 >= warmup && !compiling) {
							break;
						}
					}
				}
				long[] elapsed = join(pair, keys, round++);
				millis[rep] = elapsed[0] / 1e6;
				clusterMillis[rep] = elapsed[1] / 1e6;
				dataMillis[rep] = elapsed[2] / 1e6;
				progress("  rep %d: %s ms (%s keys/s) = join %s ms + data %s ms", rep + 1, millis(elapsed[0]),
						number(rate(keys, elapsed[0])), millis(elapsed[1]), millis(elapsed[2]));
			}
			String memory = memory(pair.nodes);
			figures.put(Figure.JOIN_TOTAL, median(millis));
			figures.put(Figure.JOIN_CLUSTER, median(clusterMillis));
			figures.put(Figure.JOIN_DATA, median(dataMillis));
			return String.format(Locale.ROOT,
					"W3 %s: %s keys joined in %s ms median %s over %d reps (B's connect call → B holds all; %s keys/s; "
							+ "join %s ms %s + data %s ms %s; links %s%s); %s",
					this.impl, number(keys), decimal(median(millis)), range(millis, Bench::decimal), this.settings.reps,
					number(keys / (median(millis) / 1000.0)), decimal(median(clusterMillis)),
					range(clusterMillis, Bench::decimal), decimal(median(dataMillis)),
					range(dataMillis, Bench::decimal), pair.links, freshNote(), memory);
		}
		finally {
			closeAll(pair);
		}
	}

	/** A holding {@code keys} keys, and B not connected yet. */
	private Pair filled(int keys) {
		Pair pair = new Pair();
		try {
			pair.a = pair.add(start("A", this.settings.zlib, false, false));
			long fillTimeout = Math.max(this.settings.timeoutMillis, keys / 5L);
			JsonNode fill = pair.a.result(
					pair.a.send("setmany", Map.of("prefix", "w3-", "n", keys, "size", this.settings.valueSize)),
					"setmany w3-", Duration.ofMillis(fillTimeout));
			progress("  A holds %s keys (filled at %s sets/s without peers)", number(keys),
					number(rate(keys, fill.path("after").asLong() - fill.path("before").asLong())));
			pair.b = pair.add(start("B", this.settings.zlib, false, true));
			return pair;
		}
		catch (RuntimeException | AssertionError ex) {
			closeAll(pair);
			throw ex;
		}
	}

	/**
	 * An empty socket in B (a new one after the first round) joins A.
	 * @return ns from B's connect call until B holds all keys, until B's link
	 * (syncsocket, js2p) or member (JGroups, Hazelcast) was up, and from then until B
	 * holds all keys
	 */
	private long[] join(Pair pair, int keys, int round) {
		ChildNode b = pair.b;
		if (round > 0) {
			b.command("reset");
		}
		b.command("arm", Map.of("prefix", "w3-"));
		JsonNode connected = connect(b, pair.a);
		long before = connected.path("before").asLong();
		long up = connected.path("after").asLong();
		JsonNode seen = b.result(b.send("await", Map.of("n", keys, "timeoutMs", this.settings.timeoutMillis)),
				"await " + keys, longWait());
		check(b, "w3-", keys);
		pair.links = links(pair.a);
		long last = seen.path("last").asLong();
		progress("    first entry %s ms after the connect call", millis(seen.path("first").asLong() - before));
		return new long[] { last - before, up - before, Math.max(0, last - up) };
	}

	// ------------------------------------------------------------------ nodes

	/**
	 * Starts a node process of this run's implementation. {@code joins}: the node will
	 * {@code connect} to another, so a JGroups or Hazelcast node starts no member before
	 * that.
	 */
	private ChildNode start(String name, boolean compression, boolean fixedTopology, boolean joins) {
		List<String> command = new ArrayList<>();
		if (this.impl.equals("js2p")) {
			if (!Files.exists(this.settings.root.resolve("interop/js2p/node_modules/js2p"))) {
				throw new BenchException(
						"js2p is not installed: run 'npm ci' in " + this.settings.root.resolve("interop/js2p"));
			}
			// no event lines: the update listener only counts (driver.js --events off)
			command.addAll(List.of(this.settings.node, "--expose-gc",
					this.settings.root.resolve("interop/js2p/driver.js").toString(), "--events", "off", "--compression",
					compression || this.defaultOptions ? "on" : "off", "--leasing",
					js2pLeasing(this.settings.leasing(this.impl))));
			// js2p never dials a second peer on the same host anyway, so a line stays a
			// line
		}
		else {
			command.add(ChildNode.javaExecutable());
			for (String option : this.settings.jvmOpts) {
				command.add(option.replace("{node}", name).replace("{dir}", this.logDir.toString()));
			}
			if (this.impl.equals("hazelcast")) {
				command.addAll(HAZELCAST_JVM_OPTIONS);
			}
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(Settings.isPeer(this.impl) ? PeerNode.class.getName() : JavaNode.class.getName());
		}
		if (Settings.isPeer(this.impl)) {
			// their default configurations: no compression or leasing options to pass
			command.addAll(List.of("--name", name, "--impl", this.impl, "--start", joins ? "connect" : "now"));
		}
		else if (this.impl.equals("java")) {
			String compressionArg = this.defaultOptions ? "default" : compression ? "on" : "off";
			command.addAll(List.of("--name", name, "--compression", compressionArg, "--leasing",
					this.settings.leasing(this.impl)));
			if (fixedTopology) {
				command.addAll(List.of("--max-outgoing", "0"));
			}
		}
		ChildNode node = startChild(name, command);
		if (Settings.isPeer(this.impl) && name.equals("A")) {
			progress("  %s", node.command("describe").path("text").asText());
		}
		return node;
	}

	/** driver.js's {@code --leasing} for the harness's {@code on|off|js2p}. */
	private static String js2pLeasing(String leasing) {
		return switch (leasing) {
			case "on" -> "true";
			case "off" -> "false";
			case "js2p" -> "omitted";
			default -> throw new IllegalArgumentException("--leasing: " + leasing + " (expected: on|off|js2p)");
		};
	}

	/**
	 * Starts a child process and waits for its ready line; it is killed if the
	 * orchestrator is interrupted.
	 */
	private ChildNode startChild(String name, List<String> command) {
		Duration timeout = Duration.ofMillis(this.settings.timeoutMillis);
		ChildNode node = ChildNode
			.launch(new ChildNode.Launch(name, command, this.logDir.resolve(name + ".log")).timeouts(timeout, timeout));
		CHILDREN.add(node);
		try {
			return node.awaitReady();
		}
		catch (RuntimeException | AssertionError ex) {
			node.kill();
			CHILDREN.remove(node);
			throw ex;
		}
	}

	/** {@code from} dials {@code to} and waits for the handshake: {before, after}. */
	private static JsonNode connect(ChildNode from, ChildNode to) {
		return from.command("connect", Map.of("host", ChildNode.HOST, "port", to.port(), "handshake", true));
	}

	/** The compression of each of the node's links, comma-separated, or "-". */
	private static String links(ChildNode node) {
		List<String> links = new ArrayList<>();
		node.command("peers").forEach((peer) -> links.add(peer.path("compression").asText()));
		return links.isEmpty() ? "-" : String.join(",", links);
	}

	/** The numbers of a {@code stats} result. */
	private static Map<String, Long> stats(ChildNode node) {
		Map<String, Long> stats = new LinkedHashMap<>();
		node.command("stats").properties().forEach((field) -> {
			if (field.getValue().isNumber()) {
				stats.put(field.getKey(), field.getValue().asLong());
			}
		});
		return stats;
	}

	/**
	 * A {@code /proc/<pid>/status} field in bytes ({@code VmHWM}: peak RSS,
	 * {@code VmRSS}: now), or -1.
	 */
	private static long procStatus(ChildNode node, String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(node.pid()), "status"))) {
				if (line.startsWith(field + ":")) {
					String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
					return Long.parseLong(parts[0]) * 1024;
				}
			}
		}
		catch (java.io.IOException | RuntimeException ex) {
			// not Linux, or the process is gone
		}
		return -1;
	}

	/**
	 * Polls {@code peers} until every node has the expected number of handshaken peers.
	 */
	private void awaitPeers(Map<ChildNode, Integer> expected) {
		long deadline = System.nanoTime() + this.settings.timeoutMillis * 1_000_000;
		while (true) {
			Map<String, Integer> actual = new LinkedHashMap<>();
			boolean done = true;
			for (Map.Entry<ChildNode, Integer> entry : expected.entrySet()) {
				int peers = entry.getKey().command("peers").size();
				actual.put(entry.getKey().name(), peers);
				done &= peers == entry.getValue();
			}
			if (done) {
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new BenchException("topology not reached within " + this.settings.timeoutMillis + " ms: peers "
						+ actual + ", expected " + names(expected));
			}
			sleep(20);
		}
	}

	private static void check(ChildNode node, String prefix, int n) {
		int present = node.command("check", Map.of("prefix", prefix, "n", n)).path("present").asInt();
		if (present != n) {
			throw new BenchException(node.name() + " counted all updates for '" + prefix + "' but holds only " + present
					+ " of " + n + " keys");
		}
	}

	/** Peak RSS, heap in use, peak heap and live heap after a full GC of every node. */
	private String memory(List<ChildNode> nodes) {
		List<String> rss = new ArrayList<>();
		List<String> heap = new ArrayList<>();
		List<String> peak = new ArrayList<>();
		List<String> live = new ArrayList<>();
		for (ChildNode node : nodes) {
			long hwm = procStatus(node, "VmHWM");
			rss.add(node.name() + " " + mib(hwm));
			Map<String, Long> stats = stats(node);
			heap.add(node.name() + " " + mib(stats.getOrDefault("heapUsed", -1L)));
			if (stats.containsKey("heapPeak")) {
				peak.add(node.name() + " " + mib(stats.get("heapPeak")));
			}
			live.add(node.name() + " " + mib(node.command("gc").path("heapUsed").asLong()));
			progress("  %s: VmHWM %s MiB, VmRSS %s MiB, %s", node.name(), mib(hwm), mib(procStatus(node, "VmRSS")),
					stats);
		}
		double foreign = this.cpu.foreignCores(nodes);
		return "peak RSS " + String.join(" / ", rss) + " MiB; heap used " + String.join(" / ", heap) + " MiB"
				+ (peak.isEmpty() ? "" : " (peak " + String.join(" / ", peak) + " MiB)") + ", live after GC "
				+ String.join(" / ", live) + " MiB; other processes used "
				+ (Double.isNaN(foreign) ? "?" : String.format(Locale.US, "%.2f", foreign)) + " of "
				+ Runtime.getRuntime().availableProcessors() + " cores";
	}

	private static String syncCoreLocation() {
		java.security.CodeSource source = io.syncsocket.SyncSocket.class.getProtectionDomain().getCodeSource();
		return (source != null) ? source.getLocation().toString() : "?";
	}

	private static void closeAll(@Nullable Pair pair) {
		if (pair != null) {
			for (ChildNode node : pair.nodes) {
				if (node.isAlive()) {
					CpuWatch.retire(node.pid()); // its CPU time still counts as ours
				}
				node.close();
				CHILDREN.remove(node);
			}
		}
	}

	// ------------------------------------------------------------------ numbers

	private static double rate(long count, long nanos) {
		return count * 1e9 / Math.max(1, nanos);
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

	/** Nearest-rank percentile of sorted values. */
	static long percentile(long[] sorted, int p) {
		int rank = (int) Math.ceil(p / 100.0 * sorted.length);
		return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
	}

	private static String range(double[] values, java.util.function.DoubleFunction<String> format) {
		double min = Arrays.stream(values).min().orElse(Double.NaN);
		double max = Arrays.stream(values).max().orElse(Double.NaN);
		return "[" + format.apply(min) + ".." + format.apply(max) + "]";
	}

	static String number(double value) {
		return String.format(Locale.US, "%,d", Math.round(value));
	}

	private static String micros(double value) {
		return (value < 100) ? String.format(Locale.US, "%.1f", value) : number(value);
	}

	private static String millis(long nanos) {
		return decimal(nanos / 1e6);
	}

	private static String decimal(double value) {
		return (value < 100) ? String.format(Locale.US, "%.1f", value) : number(value);
	}

	private static String mib(long bytes) {
		return (bytes < 0) ? "?" : String.format(Locale.US, "%.0f", bytes / MIB);
	}

	private static String label(String workload) {
		return workload.toUpperCase(Locale.ROOT);
	}

	private static String names(Map<ChildNode, Integer> expected) {
		Map<String, Integer> names = new LinkedHashMap<>();
		expected.forEach((node, count) -> names.put(node.name(), count));
		return names.toString();
	}

	private static void progress(String format, Object... args) {
		System.err.println(String.format(Locale.US, format, args));
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BenchException("interrupted");
		}
	}

	// ------------------------------------------------------------------ settings

	/** Command-line settings; {@code -1} means "the implementation's default". */
	static final class Settings {

		String workload = "";

		List<String> impls = List.of("java");

		int count = -1;

		int samples = 2_000;

		int keys = -1;

		int reps = 3;

		int warmup = -1;

		/**
		 * {@code --warmup short}: the peer harness's short regime (fresh JVMs, one round
		 * of 10,000 sets).
		 */
		boolean shortWarmup;

		int valueSize = 100;

		/**
		 * Whether W2 and W3 negotiate zlib on their links (W1 has its own zlib variant).
		 */
		boolean zlib;

		@Nullable String leasing;

		long timeoutMillis = 120_000;

		List<String> jvmOpts = List.of();

		String node = "node";

		@Nullable Boolean fresh;

		Path root = Path.of("").toAbsolutePath();

		static Settings parse(String[] args) {
			Settings s = new Settings();
			if (args.length == 0) {
				throw new IllegalArgumentException("no workload");
			}
			s.workload = args[0];
			if (!s.workload.equals("all") && !WORKLOADS.contains(s.workload)) {
				throw new IllegalArgumentException(
						"unknown workload '" + s.workload + "' (expected: " + WORKLOADS + " or all)");
			}
			for (int i = 1; i < args.length; i += 2) {
				if (i + 1 >= args.length) {
					throw new IllegalArgumentException(args[i] + " needs a value");
				}
				String value = args[i + 1];
				switch (args[i]) {
					case "--impl" -> {
						s.impls = List.of(value.split(","));
						for (String impl : s.impls) {
							if (!IMPLS.contains(impl)) {
								throw new IllegalArgumentException("--impl: " + impl + " (expected: one or more of "
										+ IMPLS + ", comma-separated)");
							}
						}
					}
					case "--count" -> s.count = positive(args[i], value);
					case "--samples" -> s.samples = positive(args[i], value);
					case "--keys" -> s.keys = positive(args[i], value);
					case "--reps" -> s.reps = positive(args[i], value);
					case "--warmup" -> {
						s.shortWarmup = value.equals("short");
						s.warmup = s.shortWarmup ? -1 : Integer.parseInt(value);
					}
					case "--value-size" -> s.valueSize = positive(args[i], value);
					case "--zlib" -> s.zlib = Boolean.parseBoolean(value);
					case "--leasing" -> s.leasing = value;
					case "--timeout-s" -> s.timeoutMillis = positive(args[i], value) * 1000L;
					case "--jvm-opts" -> s.jvmOpts = value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
					case "--node" -> s.node = value;
					case "--fresh-nodes" -> s.fresh = Boolean.parseBoolean(value);
					case "--root" -> s.root = Path.of(value).toAbsolutePath();
					default -> throw new IllegalArgumentException("unknown option " + args[i]);
				}
			}
			String root = System.getProperty("syncsocket.bench.root");
			if (root != null && !contains(args, "--root")) {
				s.root = Path.of(root).toAbsolutePath();
			}
			if (!Files.exists(s.root.resolve("interop/js2p/driver.js"))) {
				throw new IllegalArgumentException(
						"run from the repository root (or pass --root): no interop/js2p/driver.js in " + s.root);
			}
			return s;
		}

		/**
		 * W1 sets per repetition: 20,000; js2p 2,000 by default (about 262 sets/s, see
		 * docs/benchmarks.md).
		 */
		int count(String impl) {
			return (this.count > 0) ? this.count : impl.equals("js2p") ? 2_000 : 20_000;
		}

		/** W3 keys: 100,000; js2p 10,000 by default (100,000 is infeasible there). */
		int keys(String impl) {
			return (this.keys > 0) ? this.keys : impl.equals("js2p") ? 10_000 : 100_000;
		}

		/**
		 * Warm-up rounds at least (unmeasured W1 rounds before W1/W2):
		 * {@code --warmup N}; with {@code --warmup short} 1; else for the JVMs (java,
		 * jgroups, hazelcast) 5; js2p 0, because its nodes are fresh per repetition and
		 * warming them up would slow them down (see {@link #fresh}).
		 */
		int warmup(String impl) {
			if (this.warmup >= 0) {
				return this.warmup;
			}
			return impl.equals("js2p") ? 0 : this.shortWarmup ? 1 : 5;
		}

		/**
		 * Warm-up rounds at most: exactly {@link #warmup} when given or short; by default
		 * the JVMs go on past 5 while their compilers are busy, up to 30 (C2 keeps
		 * compiling for about 400,000 sets).
		 */
		int warmupLimit(String impl) {
			return (this.warmup >= 0 || this.shortWarmup || impl.equals("js2p")) ? warmup(impl) : 30;
		}

		/**
		 * Unmeasured joins before W3 at least: as {@link #warmup}, but none with
		 * {@code --warmup short}.
		 */
		int joinWarmup(String impl) {
			return this.shortWarmup ? 0 : warmup(impl);
		}

		/**
		 * Unmeasured joins before W3 at most: as {@link #warmupLimit}, but none with
		 * {@code --warmup short}.
		 */
		int joinWarmupLimit(String impl) {
			return this.shortWarmup ? 0 : warmupLimit(impl);
		}

		/**
		 * Whether every repetition gets new node processes: {@code --fresh-nodes}; else
		 * with {@code --warmup short} yes; else js2p yes (its per-message cost grows with
		 * the broadcasts of the last 60 s, a linear "waterfalls" scan, so one repetition
		 * would slow the next down), the JVMs no (their JIT stays warm).
		 */
		boolean fresh(String impl) {
			return (this.fresh != null) ? this.fresh : this.shortWarmup || impl.equals("js2p");
		}

		/**
		 * Sets per warm-up round: 20,000, with {@code --warmup short} 10,000; js2p 500.
		 */
		int warmupCount(String impl) {
			return impl.equals("js2p") ? Math.min(count(impl), 500) : this.shortWarmup ? 10_000 : 20_000;
		}

		/** Whether {@code impl} is one of issue 12's peers, run by {@link PeerNode}. */
		static boolean isPeer(String impl) {
			return impl.equals("jgroups") || impl.equals("hazelcast");
		}

		/**
		 * Leasing mode: java {@code on} (SyncOptions' default), js2p {@code js2p}
		 * (argument omitted, js2p's default).
		 */
		String leasing(String impl) {
			return (this.leasing != null) ? this.leasing : impl.equals("js2p") ? "js2p" : "on";
		}

		private static int positive(String name, String value) {
			int parsed = Integer.parseInt(value);
			if (parsed < 1) {
				throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
			}
			return parsed;
		}

		private static boolean contains(String[] args, String option) {
			return Arrays.asList(args).contains(option);
		}

	}

	/**
	 * A failed benchmark step; the message says which node and what (a node's own
	 * failures are {@link ChildNode}'s {@link AssertionError}s, which quote its log).
	 */
	static final class BenchException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		BenchException(String message) {
			super(message);
		}

	}

}
