package io.syncsocket.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncsocket.testkit.ChildLoop;
import io.syncsocket.testkit.ChildNode;
import io.syncsocket.testkit.ChildLoop.Refusal;
import io.syncsocket.testkit.JvmStats;
import io.syncsocket.testkit.Values;
import org.jspecify.annotations.Nullable;

/**
 * One member of a peer system's replicated map as a benchmark node, in its own JVM,
 * driven by {@link Bench} over the child-node protocol of
 * {@link io.syncsocket.testkit.ChildNode}, with the benchmark commands of
 * {@link io.syncsocket.testkit.JavaNode}: {@code --impl jgroups} (JGroups
 * {@code ReplicatedHashMap}, {@link JGroupsMember}) or {@code --impl hazelcast}
 * (Hazelcast {@code ReplicatedMap}, {@link HazelcastMember}).
 *
 * <p>
 * Where the systems differ from a syncsocket node:
 * <ul>
 * <li>Membership is a cluster, not links: {@code connect} to 127.0.0.1 and a port starts
 * a new member that joins the cluster of the node on that port (a running member cannot
 * move to another cluster, so one that formed a cluster alone is closed first). Its
 * result is {@code {before, after}}, {@code after} being the moment the member was in the
 * cluster, before its map's state transfer. {@code peers} lists one entry per other
 * member.
 * <li>{@code --start now} (default) starts a member alone before {@code ready}, so that
 * others can join it; {@code --start connect} starts none until {@code connect} (W3's
 * joining node, so that its JVM is fresh when it joins). {@code reset} closes the member
 * and starts the next one in the same JVM the same way.
 * <li>A joining member may receive the existing entries without an event per entry
 * (JGroups: one {@code contentsSet}; Hazelcast: none). For a prefix armed before
 * {@code connect}, {@code await} therefore also polls the map's size every 0.2 ms and
 * counts the entries as arrived when it sees them all.
 * <li>{@code setmany} answers once this member's own map holds the last key: JGroups
 * applies non-blocking updates to the sender's copy asynchronously too, and W3's filled
 * node must hold everything before another joins. Its stamps are still taken around the
 * set loop.
 * <li>One more command, {@code describe}: {@code {text}}, the system, version and map
 * settings.
 * </ul>
 * Compression and leasing options do not apply (both systems run their default
 * configuration).
 *
 * <p>
 * Threading: commands run on the main thread; the systems call the update listener on
 * their own delivery threads, several at a time for Hazelcast, so the counting is atomic.
 */
public final class PeerNode {

	private static final long OWN_WRITES_TIMEOUT_MILLIS = 120_000;

	private final String impl;

	private final boolean startAlone;

	private final Arrivals arrivals = new Arrivals();

	private @Nullable PeerMember member;

	private int port;

	private PeerNode(String impl, boolean startAlone) {
		this.impl = impl;
		this.startAlone = startAlone;
	}

	public static void main(String[] args) throws IOException {
		// nothing but protocol lines may reach stdout (JGroups' GMS prints the local
		// address there)
		ChildLoop loop = new ChildLoop();
		PeerNode node;
		try {
			node = create(args);
			if (node.startAlone) {
				node.startMember(null);
			}
			else {
				node.port = ChildNode.freePort();
			}
		}
		catch (Exception ex) {
			loop.fail(ex);
			return;
		}
		loop.ready(ChildLoop.object().put("port", node.port));
		loop.serve(node::execute);
		node.closeMember();
		System.exit(0);
	}

	private static PeerNode create(String[] args) {
		String impl = null;
		String start = "now";
		for (int i = 0; i < args.length; i += 2) {
			if (i + 1 >= args.length) {
				throw new IllegalArgumentException("argument " + args[i] + " has no value");
			}
			String value = args[i + 1];
			switch (args[i]) {
				case "--impl" -> impl = value;
				case "--start" -> start = value;
				case "--name" -> {
					// the orchestrator names every node; the systems name their members
					// themselves
				}
				default -> throw new IllegalArgumentException("unknown argument " + args[i]);
			}
		}
		if (impl == null) {
			throw new IllegalArgumentException("--impl jgroups|hazelcast is required");
		}
		PeerMember.create(impl).close(); // fails fast on an unknown implementation
		if (!start.equals("now") && !start.equals("connect")) {
			throw new IllegalArgumentException("--start: " + start + " (expected: now|connect)");
		}
		return new PeerNode(impl, start.equals("now"));
	}

	/**
	 * Starts a member on a free port, alone or joining {@code seedPort}; a port taken
	 * between the probe and the bind is retried with another one.
	 * @return the moment the member was in the cluster
	 */
	private long startMember(@Nullable Integer seedPort) throws Exception {
		for (int attempt = 1;; attempt++) {
			int port = ChildNode.freePort();
			PeerMember member = PeerMember.create(this.impl);
			try {
				long joined = member.start(port, seedPort, this.arrivals);
				this.member = member;
				this.port = port;
				return joined;
			}
			catch (Exception ex) {
				member.close();
				if (attempt >= 3) {
					throw ex;
				}
				System.err.println("start on port " + port + " failed (" + ex + "), retrying");
			}
		}
	}

	private void closeMember() {
		PeerMember member = this.member;
		this.member = null;
		if (member != null) {
			member.close();
		}
	}

	private PeerMember member() {
		PeerMember member = this.member;
		if (member == null) {
			throw new IllegalStateException("no member: this node starts one at 'connect'");
		}
		return member;
	}

	private @Nullable JsonNode execute(String cmd, JsonNode c) throws Exception {
		String prefix = c.path("prefix").asText();
		return switch (cmd) {
			case "connect" -> {
				InetAddress host = InetAddress.getByName(c.path("host").asText());
				if (!host.isLoopbackAddress()) {
					throw new IllegalArgumentException("connect: " + host + " (members bind to 127.0.0.1 only)");
				}
				closeMember();
				Tally tally = this.arrivals.tally;
				if (tally != null) {
					tally.join = true;
				}
				long before = System.nanoTime();
				long joined = startMember(c.path("port").asInt());
				yield ChildLoop.object().put("before", before).put("after", joined);
			}
			case "peers" -> {
				PeerMember member = this.member;
				int others = (member != null) ? member.otherMembers() : 0;
				ArrayNode peers = ChildLoop.mapper().createArrayNode();
				for (int i = 0; i < others; i++) {
					peers.addObject().put("compression", "none");
				}
				yield peers;
			}
			case "arm" -> {
				this.arrivals.tally = new Tally(prefix);
				yield null;
			}
			case "await" -> await(c.path("n").asInt(), c.path("timeoutMs").asLong());
			case "setmany" -> setMany(prefix, c.path("n").asInt(), c.path("size").asInt());
			case "set1" -> {
				String key = prefix + c.path("i").asInt();
				String value = Values.value(c.path("size").asInt());
				PeerMember member = member();
				long before = System.nanoTime();
				member.put(key, value);
				long after = System.nanoTime();
				yield ChildLoop.object().put("before", before).put("after", after);
			}
			case "check" -> {
				PeerMember member = this.member;
				int n = c.path("n").asInt();
				int present = 0;
				for (int i = 0; member != null && i < n; i++) {
					if (member.containsKey(prefix + i)) {
						present++;
					}
				}
				yield ChildLoop.object().put("present", present);
			}
			case "stats" -> {
				PeerMember member = this.member;
				yield JvmStats.put(ChildLoop.object().put("size", (member != null) ? member.size() : 0));
			}
			case "describe" -> ChildLoop.object()
				.put("text", ((this.member != null) ? this.member : PeerMember.create(this.impl)).describe());
			case "gc" -> {
				System.gc();
				yield ChildLoop.object().put("heapUsed", JvmStats.heapUsed());
			}
			case "reset" -> {
				closeMember();
				this.arrivals.tally = null;
				if (this.startAlone) {
					startMember(null);
				}
				else {
					this.port = ChildNode.freePort();
				}
				yield ChildLoop.object().put("port", this.port);
			}
			default -> throw new IllegalArgumentException("unknown command '" + cmd + "'");
		};
	}

	private ObjectNode setMany(String prefix, int n, int size) {
		String[] keys = new String[n];
		for (int i = 0; i < n; i++) {
			keys[i] = prefix + i;
		}
		String value = Values.value(size);
		PeerMember member = member();
		long before = System.nanoTime();
		for (String key : keys) {
			member.put(key, value);
		}
		long after = System.nanoTime();
		long deadline = after + TimeUnit.MILLISECONDS.toNanos(OWN_WRITES_TIMEOUT_MILLIS);
		while (n > 0 && !member.containsKey(keys[n - 1])) {
			if (System.nanoTime() > deadline) {
				throw new Refusal("timeout", "own writes not visible after " + OWN_WRITES_TIMEOUT_MILLIS + " ms (size "
						+ member.size() + ")");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return ChildLoop.object().put("before", before).put("after", after);
	}

	private ObjectNode await(int n, long timeoutMillis) {
		Tally tally = this.arrivals.tally;
		if (tally == null) {
			throw new IllegalStateException("await before arm");
		}
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		tally.waiter = Thread.currentThread();
		tally.target = n;
		try {
			while (tally.count.get() < n) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					PeerMember member = this.member;
					throw new Refusal("timeout",
							"timeout after " + timeoutMillis + " ms: " + tally.count.get() + " of " + n
									+ " updates for '" + tally.prefix + "' (map size "
									+ ((member != null) ? member.size() : 0) + ")");
				}
				if (tally.join && pollSize(tally, n)) {
					break;
				}
				LockSupport.parkNanos(Math.min(left, TimeUnit.MICROSECONDS.toNanos(tally.join ? 200 : 1_000)));
			}
		}
		finally {
			tally.waiter = null;
		}
		// the count is of events: below n when the map's size completed a join
		return ChildLoop.object()
			.put("first", tally.first)
			.put("last", tally.last.get())
			.put("count", tally.count.get());
	}

	/**
	 * A joining member's state transfer: whether the map holds {@code n} entries,
	 * stamping the first poll that saw any and the one that saw all (the member was empty
	 * when it joined).
	 */
	private boolean pollSize(Tally tally, int n) {
		PeerMember member = this.member;
		int size = (member != null) ? member.size() : 0;
		long now = System.nanoTime();
		if (size > 0 && tally.first == 0) {
			tally.first = now;
		}
		if (size < n) {
			return false;
		}
		tally.last.accumulateAndGet(now, Math::max);
		return true;
	}

	/**
	 * The update listener of every member this node starts: counts for the armed prefix.
	 */
	private static final class Arrivals implements PeerMember.Updates {

		volatile @Nullable Tally tally;

		@Override
		public void updated(String key) {
			Tally tally = this.tally;
			if (tally != null && key.startsWith(tally.prefix)) {
				tally.add(1, System.nanoTime());
			}
		}

		@Override
		public void loaded(Collection<String> keys) {
			Tally tally = this.tally;
			if (tally == null) {
				return;
			}
			long now = System.nanoTime();
			int n = 0;
			for (String key : keys) {
				if (key.startsWith(tally.prefix)) {
					n++;
				}
			}
			if (n > 0) {
				tally.add(n, now);
			}
		}

	}

	/**
	 * Update events counted for one key prefix, from any number of delivery threads; read
	 * by the main thread. {@code last} is raised before {@code count}, so a waiter that
	 * sees {@code n} events also sees a stamp at least as late as the {@code n}-th.
	 */
	static final class Tally {

		final String prefix;

		final AtomicInteger count = new AtomicInteger();

		final AtomicLong last = new AtomicLong();

		volatile long first;

		/**
		 * Armed before {@code connect}: entries may arrive by state transfer without
		 * events.
		 */
		volatile boolean join;

		volatile int target = Integer.MAX_VALUE;

		volatile @Nullable Thread waiter;

		Tally(String prefix) {
			this.prefix = prefix;
		}

		void add(int n, long now) {
			this.last.accumulateAndGet(now, Math::max);
			int count = this.count.addAndGet(n);
			if (count == n && this.first == 0) {
				this.first = now;
			}
			if (count >= this.target) {
				Thread waiter = this.waiter;
				if (waiter != null) {
					LockSupport.unpark(waiter);
				}
			}
		}

	}

}
