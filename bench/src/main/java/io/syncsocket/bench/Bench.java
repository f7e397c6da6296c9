package io.syncsocket.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.syncsocket.bench.NodeProcess.BenchException;
import io.syncsocket.bench.NodeProcess.StartException;
import org.jspecify.annotations.Nullable;

/**
 * The benchmark orchestrator: spawns one process per node on 127.0.0.1 (ephemeral ports),
 * connects them, warms up, runs repetitions with fresh key prefixes, and prints one summary
 * line per workload on stdout (progress and per-repetition details go to stderr).
 *
 * <pre>
 * java -cp ... io.syncsocket.bench.Bench &lt;ping|w1|w1-line|w1-zlib|w1-defaults|w2|w3|all&gt; [--impl java|js2p|java,js2p]
 *     [--count N] [--samples N] [--keys N] [--reps 3] [--warmup N] [--jvm-opts "..."]
 *     [--value-size 100] [--leasing on|off|js2p] [--timeout-s 120] [--fresh-nodes true|false]
 * </pre>
 *
 * Workloads (see docs/benchmarks.md):
 * <ul>
 * <li>{@code ping}: a raw 100-byte TCP ping-pong between two processes, the machine's floor.
 * <li>{@code w1}: A sets {@code --count} keys (default 20,000) from one thread as fast as it
 * can; throughput = count / (B counted all update events − A's first set). Links without
 * compression where the implementation can turn it off, else zlib (said in the summary).
 * <li>{@code w1-zlib}: the same with zlib negotiated on the links and every frame compressed.
 * <li>{@code w1-defaults}: the same with each implementation's default options (syncsocket:
 * zlib negotiated, frames under 1 KiB sent raw between syncsocket nodes; js2p: zlib).
 * <li>{@code w1-line}: A — M — B, M relays (no node follows peer lists); measured at B.
 * <li>{@code w2}: A sets one key, B stamps its update event, the orchestrator waits for B
 * before the next; latency = B's stamp − A's stamp just before {@code set}; p50/p90/p99 of
 * {@code --samples} (default 2,000) per repetition.
 * <li>{@code w3}: A holds {@code --keys} keys (default 100,000; js2p 10,000); a fresh, empty
 * socket in B connects; time from B's connect call to B's last update event. B's JVM is warmed
 * by {@code --warmup} unmeasured joins (each join uses a new socket in the same process).
 * </ul>
 * Stamps are {@code System.nanoTime()} / {@code process.hrtime.bigint()}: CLOCK_MONOTONIC,
 * comparable across processes on one Linux host. Peak RSS is {@code VmHWM} of each node
 * process at the end of the workload (processes are fresh per workload).
 */
public final class Bench {

	/** Node processes alive, killed by the shutdown hook if the orchestrator is interrupted. */
	static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();

	private static final List<String> WORKLOADS = List.of("ping", "w1", "w1-line", "w1-zlib", "w1-defaults", "w2", "w3");

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
			System.err.println("usage: Bench <ping|w1|w1-line|w1-zlib|w1-defaults|w2|w3|all> [--impl java|js2p|java,js2p] [--count N]"
					+ " [--samples N] [--keys N] [--reps N] [--warmup N] [--jvm-opts \"...\"] [--value-size N]"
					+ " [--leasing on|off|js2p] [--timeout-s N] [--fresh-nodes true|false]");
			System.exit(2);
			return;
		}
		// An application main, not library code: make sure no node outlives an interrupted run.
		Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly)));
		Path runDir = settings.root.resolve("bench/target/bench-logs")
			.resolve(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
		List<String> workloads = settings.workload.equals("all") ? WORKLOADS : List.of(settings.workload);
		boolean failed = false;
		for (String impl : settings.impls) {
			for (String workload : workloads) {
				if (workload.equals("ping") && impl.equals("js2p") && settings.workload.equals("all")) {
					continue; // a property of the machine, measured once with the java run
				}
				Bench bench = new Bench(settings, impl, runDir.resolve(workload + "-" + impl));
				String summary;
				try {
					summary = bench.run(workload);
				}
				catch (RuntimeException ex) {
					failed = true;
					summary = label(workload) + " " + impl + ": FAILED: " + ex.getMessage();
				}
				finally {
					CHILDREN.forEach(Process::destroyForcibly);
					CHILDREN.clear();
				}
				System.out.println(summary);
				System.out.flush();
			}
		}
		System.exit(failed ? 1 : 0);
	}

	/** Nodes start with their implementation's default compression settings (w1-defaults). */
	private boolean defaultOptions;

	private String run(String workload) {
		progress("%s %s: logs in %s", label(workload), this.impl, this.logDir);
		if (this.impl.equals("java")) {
			progress("  sync-core: %s", syncCoreLocation());
		}
		return switch (workload) {
			case "ping" -> ping();
			case "w1" -> w1(workload, false, false);
			case "w1-zlib" -> w1(workload, false, true);
			case "w1-line" -> w1(workload, true, false);
			case "w1-defaults" -> {
				this.defaultOptions = true;
				try {
					yield w1(workload, false, true);
				}
				finally {
					this.defaultOptions = false;
				}
			}
			case "w2" -> w2();
			case "w3" -> w3();
			default -> throw new IllegalArgumentException("unknown workload " + workload);
		};
	}

	// ------------------------------------------------------------------ ping

	/**
	 * Two processes, a 100-byte TCP ping-pong on one connection (5,000 unmeasured round trips,
	 * then {@code reps} × 10,000): the machine's floor for W2, which is one way (about half).
	 */
	private String ping() {
		int count = 10_000;
		List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), PingPong.class.getName(), Integer.toString(this.settings.valueSize));
		NodeProcess server = NodeProcess.start("echo", command, this.logDir, this.settings.timeoutMillis);
		try {
			long[][] reps;
			try {
				reps = pingRounds(server.port, count);
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
			CpuWatch.retire(server.process);
			server.process.destroy();
			CHILDREN.remove(server.process);
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

	private String w1(String workload, boolean line, boolean zlib) {
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
				progress("  rep %d: %s sets/s (A's set loop took %s ms, %s sets/s; B had all %s ms after A's first set)",
						rep + 1, number(throughput[rep]), millis(r[1] - r[0]), number(local[rep]), millis(r[2] - r[0]));
			}
			String memory = memory(pair.nodes);
			return String.format(Locale.ROOT, "%s %s: %s sets/s median %s over %d reps of %s sets (%s, links %s%s%s); "
					+ "A's set() loop alone %s sets/s; %s",
					label(workload), this.impl, number(median(throughput)), range(throughput, Bench::number),
					this.settings.reps, number(count), line ? "A - M - B, M relays" : "A - B", pair.links, pair.note,
					freshNote(), number(median(local)), memory);
		}
		finally {
			closeAll(pair);
		}
	}

	/** @return {A's stamp before the first set, A's stamp after the last set, B's last event stamp} */
	private long[] w1Round(NodeProcess a, NodeProcess b, String prefix, int n) {
		b.call("arm " + prefix + " " + n);
		a.send("setmany " + prefix + " " + n + " " + this.settings.valueSize);
		b.send("await " + n + " " + this.settings.timeoutMillis);
		String[] sets = a.reply("setmany " + prefix, this.settings.timeoutMillis + 5_000);
		String[] seen = b.reply("await " + n, this.settings.timeoutMillis + 5_000);
		check(b, prefix, n);
		return new long[] { Long.parseLong(sets[0]), Long.parseLong(sets[1]), Long.parseLong(seen[1]) };
	}

	/** A and B connected (B dials A), or A - M - B (A and B dial M, nobody follows peer lists). */
	private Pair pair(boolean line, boolean zlib) {
		Pair pair = new Pair();
		try {
			boolean compression = zlib;
			try {
				pair.a = pair.add(start("A", compression, line));
			}
			catch (StartException ex) {
				if (compression || ex.line == null || !ex.line.contains("pending")) {
					throw ex;
				}
				// this sync-core cannot switch compression off: measure with zlib and say so.
				compression = true;
				pair.note = "; no-zlib impossible: this sync-core has no MeshOptions.Builder.compression(List)";
				pair.a = pair.add(start("A", true, line));
			}
			pair.b = pair.add(start("B", compression, line));
			if (line) {
				NodeProcess m = pair.add(start("M", compression, true));
				pair.a.call("connect 127.0.0.1 " + m.port);
				pair.b.call("connect 127.0.0.1 " + m.port);
				awaitPeers(Map.of(pair.a, 1, pair.b, 1, m, 2));
			}
			else {
				pair.b.call("connect 127.0.0.1 " + pair.a.port);
				awaitPeers(Map.of(pair.a, 1, pair.b, 1));
			}
			pair.links = pair.a.call("peers")[1];
			return pair;
		}
		catch (RuntimeException ex) {
			closeAll(pair);
			throw ex;
		}
	}

	/**
	 * Unmeasured W1 rounds on throwaway keys until the JIT has compiled the hot paths: at least
	 * {@code --warmup} rounds, then more while the JVMs' compilers are still busy (see
	 * {@link #stillCompiling}).
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
	 * Whether the compilers of the nodes spent more than 20 ms in the last warm-up round: on two
	 * cores a busy C2 thread takes CPU from the measured threads and its output changes the speed
	 * (measured: up to 90 % of a core through the first measured rounds with a fixed warm-up).
	 */
	private static boolean stillCompiling(long jitMillisInRound) {
		return jitMillisInRound > 20;
	}

	/** The nodes' total JIT compilation time (js2p nodes report none). */
	private static long jitMillis(Pair pair) {
		long total = 0;
		for (NodeProcess node : pair.nodes) {
			total += node.stats().getOrDefault("jitMillis", 0L);
		}
		return total;
	}

	private String freshNote() {
		return this.settings.fresh(this.impl) ? "; fresh processes per rep" : "";
	}

	/** The node processes of one set-up: A writes, B is measured (and M relays in a line). */
	private static final class Pair {

		final List<NodeProcess> nodes = new ArrayList<>();

		@Nullable NodeProcess a;

		@Nullable NodeProcess b;

		String links = "?";

		String note = "";

		NodeProcess add(NodeProcess node) {
			this.nodes.add(node);
			return node;
		}

	}

	// ------------------------------------------------------------------ W2

	private String w2() {
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
			return String.format(Locale.ROOT,
					"W2 %s: p50 %s µs median %s, p90 %s µs %s, p99 %s µs %s over %d reps × %s samples (A - B, links %s%s); %s",
					this.impl, micros(median(p50)), range(p50, Bench::micros), micros(median(p90)), range(p90, Bench::micros),
					micros(median(p99)), range(p99, Bench::micros), this.settings.reps, number(this.settings.samples),
					pair.links, freshNote(), memory);
		}
		finally {
			closeAll(pair);
		}
	}

	/** One key at a time; @return latencies in ns (B's event stamp − A's stamp before set). */
	private long[] w2Round(NodeProcess a, NodeProcess b, String prefix, int samples) {
		b.call("arm " + prefix + " " + samples);
		long[] latencies = new long[samples];
		for (int i = 0; i < samples; i++) {
			long before = Long.parseLong(a.call("set1 " + prefix + " " + i + " " + this.settings.valueSize)[0]);
			long seen = Long.parseLong(b.call("await " + (i + 1) + " " + this.settings.timeoutMillis,
					this.settings.timeoutMillis + 5_000)[1]);
			latencies[i] = seen - before;
		}
		return latencies;
	}

	// ------------------------------------------------------------------ W3

	private String w3() {
		int keys = this.settings.keys(this.impl);
		// B joins this often unmeasured first, so C2 has compiled the receive path (one join left the
		// compiler threads busy on both cores through the measured ones)
		int warmup = this.settings.warmup(this.impl);
		int warmupLimit = this.settings.warmupLimit(this.impl);
		Pair pair = null;
		try {
			double[] millis = new double[this.settings.reps];
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
						String joined = millis(join(pair, keys, round++));
						long jitNow = jitMillis(pair);
						progress("  warm-up join: %s ms, JIT compiled for %d ms", joined, jitNow - jit);
						boolean compiling = stillCompiling(jitNow - jit);
						jit = jitNow;
						if (i + 1 >= warmup && !compiling) {
							break;
						}
					}
				}
				long elapsed = join(pair, keys, round++);
				millis[rep] = elapsed / 1e6;
				progress("  rep %d: %s ms (%s keys/s)", rep + 1, millis(elapsed), number(rate(keys, elapsed)));
			}
			String memory = memory(pair.nodes);
			return String.format(Locale.ROOT,
					"W3 %s: %s keys joined in %s ms median %s over %d reps (B's connect call → B holds all; %s keys/s; "
							+ "links %s%s); %s",
					this.impl, number(keys), decimal(median(millis)), range(millis, Bench::decimal), this.settings.reps,
					number(keys / (median(millis) / 1000.0)), pair.links, freshNote(), memory);
		}
		finally {
			closeAll(pair);
		}
	}

	/** A holding {@code keys} keys, and B not connected yet. */
	private Pair filled(int keys) {
		Pair pair = new Pair();
		try {
			pair.a = pair.add(start("A", this.settings.zlib, false));
			long fillTimeout = Math.max(this.settings.timeoutMillis, keys / 5L);
			String[] fill = pair.a.call("setmany w3- " + keys + " " + this.settings.valueSize, fillTimeout);
			progress("  A holds %s keys (filled at %s sets/s without peers)", number(keys),
					number(rate(keys, Long.parseLong(fill[1]) - Long.parseLong(fill[0]))));
			pair.b = pair.add(start("B", this.settings.zlib, false));
			return pair;
		}
		catch (RuntimeException ex) {
			closeAll(pair);
			throw ex;
		}
	}

	/** An empty socket in B (a new one after the first round) joins A; @return ns until B holds all keys. */
	private long join(Pair pair, int keys, int round) {
		NodeProcess b = pair.b;
		if (round > 0) {
			b.call("reset");
		}
		b.call("arm w3- " + keys);
		long before = Long.parseLong(b.call("connect 127.0.0.1 " + pair.a.port)[0]);
		String[] seen = b.call("await " + keys + " " + this.settings.timeoutMillis, this.settings.timeoutMillis + 5_000);
		check(b, "w3-", keys);
		pair.links = pair.a.call("peers")[1];
		progress("    first entry %s ms after the connect call", millis(Long.parseLong(seen[0]) - before));
		return Long.parseLong(seen[1]) - before;
	}

	// ------------------------------------------------------------------ nodes

	private NodeProcess start(String name, boolean compression, boolean fixedTopology) {
		List<String> command = new ArrayList<>();
		if (this.impl.equals("java")) {
			command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			for (String option : this.settings.jvmOpts) {
				command.add(option.replace("{node}", name).replace("{dir}", this.logDir.toString()));
			}
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add(JavaNode.class.getName());
		}
		else {
			Path script = this.settings.root.resolve("bench/js2p-node.js");
			if (!Files.exists(this.settings.root.resolve("interop/js2p/node_modules/js2p"))) {
				throw new BenchException("js2p is not installed: run 'npm ci' in " + this.settings.root.resolve("interop/js2p"));
			}
			command.add(this.settings.node);
			command.add("--expose-gc");
			command.add(script.toString());
		}
		String compressionArg = this.defaultOptions ? "default" : compression ? "on" : "off";
		command.addAll(List.of("--name", name, "--compression", compressionArg, "--leasing",
				this.settings.leasing(this.impl)));
		if (fixedTopology) {
			command.addAll(List.of("--max-outgoing", "0"));
		}
		return NodeProcess.start(name, command, this.logDir, this.settings.timeoutMillis);
	}

	/** Polls {@code peers} until every node has the expected number of handshaken peers. */
	private void awaitPeers(Map<NodeProcess, Integer> expected) {
		long deadline = System.nanoTime() + this.settings.timeoutMillis * 1_000_000;
		while (true) {
			Map<String, Integer> actual = new LinkedHashMap<>();
			boolean done = true;
			for (Map.Entry<NodeProcess, Integer> entry : expected.entrySet()) {
				int peers = Integer.parseInt(entry.getKey().call("peers")[0]);
				actual.put(entry.getKey().name, peers);
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

	private static void check(NodeProcess node, String prefix, int n) {
		int present = Integer.parseInt(node.call("check " + prefix + " " + n)[0]);
		if (present != n) {
			throw new BenchException(node.name + " counted all updates for '" + prefix + "' but holds only " + present
					+ " of " + n + " keys");
		}
	}

	/** Peak RSS, heap in use, peak heap and live heap after a full GC of every node. */
	private String memory(List<NodeProcess> nodes) {
		List<String> rss = new ArrayList<>();
		List<String> heap = new ArrayList<>();
		List<String> peak = new ArrayList<>();
		List<String> live = new ArrayList<>();
		for (NodeProcess node : nodes) {
			long hwm = node.procStatus("VmHWM");
			rss.add(node.name + " " + mib(hwm));
			Map<String, Long> stats = node.stats();
			heap.add(node.name + " " + mib(stats.getOrDefault("heapUsed", -1L)));
			if (stats.containsKey("heapPeak")) {
				peak.add(node.name + " " + mib(stats.get("heapPeak")));
			}
			String[] gc = node.call("gc");
			live.add(node.name + " " + mib(Long.parseLong(gc[0].substring(gc[0].indexOf('=') + 1))));
			progress("  %s: VmHWM %s MiB, VmRSS %s MiB, %s", node.name, mib(hwm), mib(node.procStatus("VmRSS")), stats);
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
			for (NodeProcess node : pair.nodes) {
				node.close();
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

	private static String names(Map<NodeProcess, Integer> expected) {
		Map<String, Integer> names = new LinkedHashMap<>();
		expected.forEach((node, count) -> names.put(node.name, count));
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

		int valueSize = 100;

		/** Whether W2 and W3 negotiate zlib on their links (W1 has its own zlib variant). */
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
				throw new IllegalArgumentException("unknown workload '" + s.workload + "' (expected: " + WORKLOADS
						+ " or all)");
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
							if (!impl.equals("java") && !impl.equals("js2p")) {
								throw new IllegalArgumentException("--impl: " + impl + " (expected: java or js2p)");
							}
						}
					}
					case "--count" -> s.count = positive(args[i], value);
					case "--samples" -> s.samples = positive(args[i], value);
					case "--keys" -> s.keys = positive(args[i], value);
					case "--reps" -> s.reps = positive(args[i], value);
					case "--warmup" -> s.warmup = Integer.parseInt(value);
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
			if (!Files.exists(s.root.resolve("bench/js2p-node.js"))) {
				throw new IllegalArgumentException("run from the repository root (or pass --root): no bench/js2p-node.js in "
						+ s.root);
			}
			return s;
		}

		/** W1 sets per repetition: 20,000; js2p 2,000 by default (about 262 sets/s, see docs/benchmarks.md). */
		int count(String impl) {
			return (this.count > 0) ? this.count : impl.equals("js2p") ? 2_000 : 20_000;
		}

		/** W3 keys: 100,000; js2p 10,000 by default (100,000 is infeasible there). */
		int keys(String impl) {
			return (this.keys > 0) ? this.keys : impl.equals("js2p") ? 10_000 : 100_000;
		}

		/**
		 * Warm-up rounds at least (unmeasured W1 rounds before W1/W2, unmeasured joins before
		 * W3): {@code --warmup N}, else java 5; js2p 0, because its nodes are fresh per
		 * repetition and warming them up would slow them down (see {@link #fresh}).
		 */
		int warmup(String impl) {
			return (this.warmup >= 0) ? this.warmup : impl.equals("js2p") ? 0 : 5;
		}

		/**
		 * Warm-up rounds at most: exactly {@code --warmup N} when given; by default java goes on
		 * past 5 while its compilers are busy, up to 30 (C2 keeps compiling for about 400,000 sets).
		 */
		int warmupLimit(String impl) {
			return (this.warmup >= 0 || impl.equals("js2p")) ? warmup(impl) : 30;
		}

		/**
		 * Whether every repetition gets new node processes: js2p yes (its per-message cost grows
		 * with the broadcasts of the last 60 s, a linear "waterfalls" scan, so one repetition
		 * would slow the next down), java no (its JIT stays warm).
		 */
		boolean fresh(String impl) {
			return (this.fresh != null) ? this.fresh : impl.equals("js2p");
		}

		/** Sets per warm-up round: java 20,000, js2p 500. */
		int warmupCount(String impl) {
			return impl.equals("js2p") ? Math.min(count(impl), 500) : 20_000;
		}

		/** Leasing mode: java {@code on} (SyncOptions' default), js2p {@code js2p} (argument omitted, js2p's default). */
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

}
