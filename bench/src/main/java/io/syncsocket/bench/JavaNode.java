package io.syncsocket.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.syncsocket.Leasing;
import io.syncsocket.MeshCompression;
import io.syncsocket.MeshOptions;
import io.syncsocket.MeshStats;
import io.syncsocket.Peer;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import org.jspecify.annotations.Nullable;

/**
 * One syncsocket node of a benchmark, in its own JVM, driven by {@link Bench} over stdin
 * and stdout.
 *
 * <p>
 * Control protocol (shared with {@link PeerNode} and {@code bench/js2p-node.js}): the
 * first stdout line is {@code ready <port>} (or {@code fail <reason>} and exit 3); then
 * one command per stdin line, words separated by spaces, and exactly one reply line per
 * command, {@code ok [words...]} or {@code err <message>}. stdout carries nothing else
 * (logs go to stderr). Times are {@link System#nanoTime()} values (CLOCK_MONOTONIC on
 * Linux), comparable across processes on one host. EOF on stdin closes the socket and
 * exits, so a node never outlives its orchestrator.
 *
 * <table>
 * <caption>Commands</caption>
 * <tr>
 * <td>{@code connect <host> <port>}</td>
 * <td>{@code ok <t-before> <t-after-handshake>}</td>
 * </tr>
 * <tr>
 * <td>{@code peers}</td>
 * <td>{@code ok <count> <compression,...|->}</td>
 * </tr>
 * <tr>
 * <td>{@code arm <prefix> <n>}</td>
 * <td>starts counting update events for keys starting with {@code prefix};
 * {@code ok}</td>
 * </tr>
 * <tr>
 * <td>{@code await <n> <timeout-ms>}</td>
 * <td>{@code ok <first-event-t> <last-event-t> <count>} once {@code n} events were
 * counted</td>
 * </tr>
 * <tr>
 * <td>{@code setmany <prefix> <n> <size>}</td>
 * <td>sets keys {@code prefix0 .. prefix(n-1)} from this one thread;
 * {@code ok <t-before-first-set> <t-after-last-set>}</td>
 * </tr>
 * <tr>
 * <td>{@code set1 <prefix> <i> <size>}</td>
 * <td>sets key {@code prefix<i>}; {@code ok <t-before-set> <t-after-set>}</td>
 * </tr>
 * <tr>
 * <td>{@code check <prefix> <n>}</td>
 * <td>{@code ok <how many of the n keys are present>}</td>
 * </tr>
 * <tr>
 * <td>{@code stats}</td>
 * <td>{@code ok name=value ...} (dictionary size, heap, GC, mesh counters)</td>
 * </tr>
 * <tr>
 * <td>{@code gc}</td>
 * <td>runs a full GC; {@code ok heapUsed=<bytes>}</td>
 * </tr>
 * <tr>
 * <td>{@code reset}</td>
 * <td>closes the socket and starts an empty one in this JVM (which stays warm);
 * {@code ok <port>}</td>
 * </tr>
 * <tr>
 * <td>{@code close}</td>
 * <td>{@code ok}, then exits</td>
 * </tr>
 * </table>
 *
 * <p>
 * Arguments: {@code --leasing on|off|js2p} (default on),
 * {@code --compression on|off|default} (on: every frame compressed; default: the
 * library's defaults, small frames raw to syncsocket peers) (default on: zlib is
 * negotiated), {@code --max-outgoing N} (default 4; 0 stops following peer lists, for a
 * fixed line topology), {@code --name NAME}.
 *
 * <p>
 * Threading: commands run on the main thread; the update listener runs on the socket's
 * node loop and only counts and stamps (it is on the measured path, the control channel
 * is not).
 */
public final class JavaNode {

	private final SyncOptions options;

	private final Tally.Listener listener = new Tally.Listener();

	private SyncSocket socket;

	private JavaNode(SyncOptions options) {
		this.options = options;
		this.socket = start();
	}

	public static void main(String[] args) throws IOException {
		// nothing but protocol lines may reach stdout
		PrintStream out = CommandLoop.protocolOut();
		JavaNode node;
		try {
			node = new JavaNode(options(args));
		}
		catch (RuntimeException ex) {
			out.println("fail " + CommandLoop.oneLine(ex));
			System.exit(3);
			return;
		}
		out.println("ready " + node.socket.boundAddress().getPort());
		CommandLoop.serve(out, node::execute);
		node.socket.close();
		System.exit(0);
	}

	private static SyncOptions options(String[] args) {
		Leasing leasing = Leasing.ON;
		String compression = "on";
		int maxOutgoing = MeshOptions.DEFAULT_MAX_OUTGOING;
		String name = "bench";
		for (int i = 0; i < args.length; i += 2) {
			if (i + 1 >= args.length) {
				throw new IllegalArgumentException("argument " + args[i] + " has no value");
			}
			String value = args[i + 1];
			switch (args[i]) {
				case "--leasing" -> leasing = switch (value) {
					case "on" -> Leasing.ON;
					case "off" -> Leasing.OFF;
					case "js2p" -> Leasing.JS2P_DEFAULT;
					default -> throw new IllegalArgumentException("--leasing: " + value + " (expected: on|off|js2p)");
				};
				case "--compression" -> compression = value;
				case "--max-outgoing" -> maxOutgoing = Integer.parseInt(value);
				case "--name" -> name = value;
				default -> throw new IllegalArgumentException("unknown argument " + args[i]);
			}
		}
		MeshOptions.Builder mesh = SyncOptions.defaults()
			.mesh()
			.mutate()
			.bindAddress("127.0.0.1")
			.port(0)
			.maxOutgoing(maxOutgoing)
			.name(name);
		switch (compression) {
			case "off" -> disableCompression(mesh);
			case "on" -> compressEveryFrame(mesh);
			case "default" -> {
			}
			default ->
				throw new IllegalArgumentException("--compression: " + compression + " (expected: on|off|default)");
		}
		return SyncOptions.builder().mesh(mesh.build()).leasing(leasing).build();
	}

	/**
	 * Compresses every frame on links with a negotiated method (a compression threshold
	 * of 0), so that W1-ZLIB measures zlib; sync-core builds from before the threshold
	 * did so anyway. Builds from before {@link MeshCompression} had a flat
	 * {@code compressionThreshold(int)}, called reflectively.
	 */
	static void compressEveryFrame(MeshOptions.Builder mesh) {
		try {
			mesh.compression((compression) -> compression.threshold(0));
			return;
		}
		catch (LinkageError ex) {
			// a sync-core from before MeshCompression
		}
		try {
			MeshOptions.Builder.class.getMethod("compressionThreshold", int.class).invoke(mesh, 0);
		}
		catch (NoSuchMethodException ex) {
			// an older sync-core: it compressed every frame
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Advertises no compression, so that links carry raw blobs:
	 * {@code compression(MeshCompression.none())}. Builds from before
	 * {@link MeshCompression} are called reflectively, so that the same harness also runs
	 * against them: {@code MeshOptions.Builder.compression(List.of())} where it exists,
	 * and where it does not (the baseline measurements in docs/benchmarks.md) this fails
	 * and the orchestrator measures with zlib and says so.
	 */
	static void disableCompression(MeshOptions.Builder mesh) {
		try {
			mesh.compression(MeshCompression.none());
			return;
		}
		catch (LinkageError ex) {
			// a sync-core from before MeshCompression
		}
		Method method;
		try {
			method = MeshOptions.Builder.class.getMethod("compression", List.class);
		}
		catch (NoSuchMethodException ex) {
			throw new UnsupportedOperationException(
					"no-compression pending: sync-core has no MeshOptions.Builder.compression(List) yet");
		}
		try {
			method.invoke(mesh, List.of());
		}
		catch (InvocationTargetException ex) {
			throw new UnsupportedOperationException(
					"no-compression refused by MeshOptions.Builder.compression([]): " + ex.getCause().getMessage(),
					ex.getCause());
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private SyncSocket start() {
		SyncSocket created = new SyncSocket(this.options);
		created.addSyncListener(this.listener);
		return created.start();
	}

	private String execute(String[] w) {
		return switch (w[0]) {
			case "connect" -> {
				long before = System.nanoTime();
				this.socket.connect(w[1], Integer.parseInt(w[2]));
				long after = System.nanoTime();
				yield "ok " + before + " " + after;
			}
			case "peers" -> {
				List<Peer> peers = this.socket.peers();
				StringBuilder compression = new StringBuilder();
				for (Peer peer : peers) {
					compression.append(compression.isEmpty() ? "" : ",")
						.append(peer.compression() != null ? peer.compression() : "none");
				}
				yield "ok " + peers.size() + " " + (compression.isEmpty() ? "-" : compression);
			}
			case "arm" -> {
				this.listener.arm(new Tally(w[1]));
				yield "ok";
			}
			case "await" -> await(Integer.parseInt(w[1]), Long.parseLong(w[2]));
			case "setmany" -> setMany(w[1], Integer.parseInt(w[2]), Integer.parseInt(w[3]));
			case "set1" -> {
				String key = w[1] + w[2];
				String value = Values.value(Integer.parseInt(w[3]));
				long before = System.nanoTime();
				this.socket.set(key, value);
				long after = System.nanoTime();
				yield "ok " + before + " " + after;
			}
			case "check" -> {
				int n = Integer.parseInt(w[2]);
				int present = 0;
				for (int i = 0; i < n; i++) {
					if (this.socket.containsKey(w[1] + i)) {
						present++;
					}
				}
				yield "ok " + present;
			}
			case "stats" -> stats();
			case "gc" -> {
				System.gc();
				yield "ok heapUsed=" + JvmStats.heapUsed();
			}
			case "reset" -> {
				this.socket.close();
				this.listener.arm(null);
				this.socket = start();
				yield "ok " + this.socket.boundAddress().getPort();
			}
			case "close" -> "ok";
			default -> throw new IllegalArgumentException("unknown command '" + w[0] + "'");
		};
	}

	private String setMany(String prefix, int n, int size) {
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
		return "ok " + before + " " + after;
	}

	private String await(int n, long timeoutMillis) {
		Tally tally = this.listener.tally;
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
				return "err timeout after " + timeoutMillis + " ms: " + tally.count + " of " + n + " updates for '"
						+ tally.prefix + "' (dictionary size " + this.socket.size() + ")";
			}
			LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(1)));
		}
		tally.waiter = null;
		return "ok " + tally.first + " " + tally.last + " " + tally.count;
	}

	private String stats() {
		MeshStats mesh = this.socket.stats();
		return String.format(Locale.ROOT,
				"ok size=%d %s messagesSent=%d messagesReceived=%d bytesSent=%d bytesReceived=%d relayed=%d duplicates=%d",
				this.socket.size(), JvmStats.words(), mesh.messagesSent(), mesh.messagesReceived(), mesh.bytesSent(),
				mesh.bytesReceived(), mesh.broadcastsRelayed(), mesh.duplicatesDropped());
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
