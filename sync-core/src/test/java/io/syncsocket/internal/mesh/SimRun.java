package io.syncsocket.internal.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import io.syncsocket.Leasing;
import io.syncsocket.Metatuple;
import io.syncsocket.SyncEntry;
import io.syncsocket.WriteRejectedException;
import io.syncsocket.internal.sync.SyncKey;
import io.syncsocket.internal.wire.Msgpack;
import org.jspecify.annotations.Nullable;

/**
 * One simulated run, decided entirely by its seed: 2–5 syncsocket nodes in one leasing
 * mode, a fault phase (writers on own and shared keys, deletes, deltas, same-second
 * bursts of alternating values, simultaneous and refused dials, partitions up to beyond
 * the tombstone retention, crashes and restarts with the same or a new id, clock skew up
 * to ±2 s), then the network is made whole, the application dials again as it would from
 * its seed list, and after {@link #SETTLE} of simulated time every invariant is checked.
 */
final class SimRun {

	/**
	 * Simulated time from the end of the faults to the checks (anti-entropy runs every 5
	 * s).
	 */
	static final Duration SETTLE = Duration.ofSeconds(40);

	private static final long MS = 1_000_000L;

	private static final long S = 1_000_000_000L;

	final SimWorld world;

	private final SimNetwork network;

	private final SimChecks checks = new SimChecks();

	private final List<SimNode> nodes = new ArrayList<>();

	private final Random random;

	private final Set<String> deletedKeys = new HashSet<>();

	/**
	 * Pairs the application dialed once the network was whole: each must end with one
	 * link.
	 */
	private final List<SimNode[]> finalDials = new ArrayList<>();

	private final List<java.util.concurrent.@Nullable CompletableFuture<io.syncsocket.Peer>> finalDialResults = new ArrayList<>();

	private Leasing leasing = Leasing.values()[0];

	private boolean shortRetention;

	private boolean partitionBeyondRetention;

	private int counter;

	/**
	 * Acknowledged writes excluded as the documented known issue (see
	 * {@link #isKnownSameSecondRewrite}).
	 */
	int knownIssues;

	private String summary = "";

	/**
	 * Whether this run has slow readers (they are back to full speed once the faults
	 * stop).
	 */
	private boolean slowReaders;

	SimRun(long seed, boolean trace) {
		this.world = new SimWorld(seed, trace);
		this.network = new SimNetwork(this.world);
		this.random = this.world.random;
	}

	/** Runs the whole schedule; returns the violations (empty: every invariant held). */
	List<String> run() {
		Random r = this.random;
		int n = 2 + r.nextInt(4);
		this.leasing = Leasing.values()[r.nextInt(Leasing.values().length)];
		this.shortRetention = r.nextInt(5) == 0;
		Duration retention = this.shortRetention ? Duration.ofSeconds(5 + r.nextInt(20)) : Duration.ofHours(24);
		boolean skew = r.nextInt(3) == 0;
		this.network.refuseProbability = (r.nextInt(4) == 0) ? 0.2 : 0;
		// slow readers in a third of the runs, drawn apart so that the other runs keep
		// their schedules
		Random slow = this.world.slowRandom;
		boolean slowReaders = slow.nextInt(3) == 0;
		this.slowReaders = slowReaders;
		this.network.slowProbability = slowReaders ? 0.2 + 0.6 * slow.nextDouble() : 0;
		for (int i = 0; i < n; i++) {
			// a cap of 1 to 16 KiB queued per link, so that state transfers and bursts
			// can exceed it
			int cap = slowReaders ? 1024 + slow.nextInt(15 * 1024) : 0;
			this.nodes.add(new SimNode(this.world, this.network, this.checks, i, skew ? r.nextInt(4001) - 2000 : 0,
					this.leasing, retention, cap));
		}
		this.summary = n + " nodes, leasing " + this.leasing + ", retention " + retention + (skew ? ", skew" : "")
				+ (slowReaders ? ", slow readers" : "");
		this.world.log(this.summary);
		for (SimNode node : this.nodes) {
			this.world.at(r.nextInt(500) * MS, node + " start", () -> node.start(false));
		}
		this.world.runFor(600 * MS);
		for (int i = 1; i < n; i++) {
			SimNode node = this.nodes.get(i);
			SimNode other = this.nodes.get(r.nextInt(i));
			long at = r.nextInt(300) * MS;
			this.world.at(at, "dial", () -> node.dial(other));
			if (r.nextInt(4) == 0) {
				this.world.at(at, "simultaneous dial", () -> other.dial(node));
			}
		}
		long faultNanos = (5 + r.nextInt(30)) * S;
		int operations = 10 + r.nextInt(50);
		for (int i = 0; i < operations; i++) {
			this.world.at((long) (r.nextDouble() * faultNanos), "operation", this::operation);
		}
		if (r.nextBoolean()) {
			schedulePartition(faultNanos, retention);
		}
		int crashes = r.nextInt(3);
		for (int i = 0; i < crashes; i++) {
			this.world.at((long) (r.nextDouble() * faultNanos), "crash", this::crashAndRestart);
		}
		if (r.nextInt(3) == 0) {
			this.world.at((long) (r.nextDouble() * faultNanos), "simultaneous dials", () -> {
				SimNode a = pick();
				SimNode b = pick();
				if (a != null && b != null && a != b) {
					a.dial(b);
					b.dial(a);
				}
			});
		}
		this.world.runFor(faultNanos);
		// the faults stop: the network is whole, crashed nodes are back, the application
		// dials again
		this.world.log("faults stop");
		this.network.heal();
		this.network.endSlowReaders();
		this.network.refuseProbability = 0;
		for (SimNode node : this.nodes) {
			if (!node.up()) {
				node.start(r.nextBoolean());
			}
		}
		this.world.runFor(100 * MS);
		SimNode first = this.nodes.get(0);
		for (SimNode node : this.nodes) {
			// either side missing the other: a link one side closed may not have ended on
			// the other yet
			if (node != first && (!routed(node, first) || !routed(first, node))) {
				this.finalDials.add(new SimNode[] { node, first });
				this.finalDialResults.add(node.dial(first));
				if (r.nextInt(3) == 0) {
					// both dial at once
					this.finalDials.add(new SimNode[] { first, node });
					this.finalDialResults.add(first.dial(node));
				}
			}
		}
		this.world.runFor(SETTLE.toNanos());
		check();
		return this.world.violations();
	}

	/**
	 * The final dictionaries and routes of every running node, to compare two runs of one
	 * seed.
	 */
	String fingerprint() {
		StringBuilder text = new StringBuilder(this.summary);
		for (SimNode node : this.nodes) {
			if (node.up()) {
				text.append('\n').append(node).append(' ').append(node.id()).append(' ').append(dictionary(node));
				for (Connection connection : node.mesh().routes()) {
					text.append(' ').append(connection.link);
				}
			}
		}
		return text.toString();
	}

	String summary() {
		return this.summary;
	}

	private @Nullable SimNode pick() {
		List<SimNode> up = new ArrayList<>();
		for (SimNode node : this.nodes) {
			if (node.up()) {
				up.add(node);
			}
		}
		return up.isEmpty() ? null : up.get(this.random.nextInt(up.size()));
	}

	private void schedulePartition(long faultNanos, Duration retention) {
		Random r = this.random;
		long start = (long) (r.nextDouble() * faultNanos / 2);
		long maxLength = (this.shortRetention ? retention.toNanos() + 10 * S : 20 * S);
		long length = S + (long) (r.nextDouble() * maxLength);
		List<SimNode> group = new ArrayList<>();
		for (SimNode node : this.nodes) {
			if (r.nextBoolean()) {
				group.add(node);
			}
		}
		if (length >= retention.toNanos()) {
			this.partitionBeyondRetention = true;
		}
		this.world.at(start, "partition " + group, () -> {
			this.world.log("partition " + group + " for " + length / MS + " ms");
			this.network.partition(group);
		});
		this.world.at(start + length, "heal", () -> {
			this.world.log("partition heals");
			this.network.heal();
			// the application (or its seed list) dials across again
			for (SimNode node : group) {
				for (SimNode other : this.nodes) {
					if (!group.contains(other) && node.up() && other.up() && !routed(node, other)) {
						node.dial(other);
						break;
					}
				}
			}
		});
	}

	private void crashAndRestart() {
		SimNode node = pick();
		if (node == null) {
			return;
		}
		node.crash();
		boolean sameId = this.random.nextBoolean();
		long down = 500 * MS + (long) (this.random.nextDouble() * 5 * S);
		this.world.at(down, node + " restart", () -> {
			if (node.up()) {
				return;
			}
			node.start(sameId);
			SimNode other = pick();
			if (other != null && other != node) {
				node.dial(other);
			}
		});
	}

	// ------------------------------------------------------------------ workload

	private void operation() {
		SimNode node = pick();
		if (node == null) {
			return;
		}
		int kind = this.random.nextInt(100);
		int index = this.nodes.indexOf(node);
		if (kind < 35) {
			set(node, "k" + index + "-" + this.random.nextInt(3), "v" + this.counter++);
		}
		else if (kind < 60) {
			set(node, "s" + this.random.nextInt(3), "v" + this.counter++);
		}
		else if (kind < 72) {
			delete(node, this.random.nextBoolean() ? "s" + this.random.nextInt(3)
					: "k" + index + "-" + this.random.nextInt(3));
		}
		else if (kind < 87) {
			Map<String, Object> delta = new LinkedHashMap<>();
			delta.put("f" + this.random.nextInt(3), (long) this.counter++);
			applyDelta(node, "m" + this.random.nextInt(2), delta);
		}
		else {
			// a burst of same-second writes of alternating values to one key
			String key = this.random.nextBoolean() ? "s" + this.random.nextInt(3) : "k" + index + "-0";
			int writes = 3 + this.random.nextInt(4);
			for (int i = 0; i < writes; i++) {
				String value = (i % 2 == 0) ? "a" : "b";
				this.world.at(i * 10 * MS, node + " burst", () -> {
					if (node.up()) {
						set(node, key, value);
					}
				});
			}
		}
	}

	private void set(SimNode node, String key, String value) {
		byte[] bytes = Msgpack.encode(value);
		write(node, key, "set " + key + "=" + value, null, () -> {
			node.engine().set(SyncKey.of(key), bytes);
			return true;
		});
	}

	private void delete(SimNode node, String key) {
		write(node, key, "del " + key, null, () -> node.engine().delete(SyncKey.of(key)) != null);
	}

	private void applyDelta(SimNode node, String key, Map<String, Object> delta) {
		write(node, key, "applyDelta " + key + " " + delta, delta, () -> {
			node.engine().applyDelta(SyncKey.of(key), delta);
			return true;
		});
	}

	private void write(SimNode node, String key, String description, @Nullable Map<String, Object> delta,
			java.util.concurrent.Callable<Boolean> write) {
		boolean changed;
		try {
			changed = node.loop().call(write);
		}
		catch (WriteRejectedException ex) {
			this.world.log(node + " " + description + " refused: " + ex.getClass().getSimpleName());
			return;
		}
		catch (Exception ex) {
			this.world.violation("no-unexpected-exception", node + " " + description + ": " + ex);
			return;
		}
		if (!changed) {
			return;
		}
		SyncKey syncKey = SyncKey.of(key);
		Metatuple meta = node.engine().replica().meta(syncKey);
		byte[] value = null;
		if (meta == null) {
			meta = Objects.requireNonNull(node.engine().replica().tombstone(syncKey));
			this.deletedKeys.add(key);
		}
		else {
			value = Msgpack.encode(node.engine().replica().value(syncKey));
		}
		this.checks.acks.add(new SimChecks.Ack(node, node.instance(), key, value, meta, description, delta,
				reachesAll(node), this.world.now()));
		this.world.log(node + " " + description + " -> " + meta);
	}

	/**
	 * Whether every running node is reachable from this one over handshaken links that
	 * are not lost.
	 */
	private boolean reachesAll(SimNode from) {
		Set<SimNode> reached = new HashSet<>();
		java.util.ArrayDeque<SimNode> queue = new java.util.ArrayDeque<>();
		reached.add(from);
		queue.add(from);
		while (!queue.isEmpty()) {
			SimNode node = queue.poll();
			for (Connection connection : node.mesh().routes()) {
				SimLink link = (SimLink) connection.link;
				SimLink peer = link.peer;
				if (link.isOpen() && !link.severed() && peer != null && peer.isOpen() && peer.owner.up()
						&& peer.instance == peer.owner.instance() && reached.add(peer.owner)) {
					queue.add(peer.owner);
				}
			}
		}
		for (SimNode node : this.nodes) {
			if (node.up() && !reached.contains(node)) {
				return false;
			}
		}
		return true;
	}

	// ------------------------------------------------------------------ invariants

	private static boolean routed(SimNode a, SimNode b) {
		for (Connection connection : a.mesh().routes()) {
			if (b.id().equals(connection.peerId())) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Connection route(SimNode a, SimNode b) {
		for (Connection connection : a.mesh().routes()) {
			if (b.id().equals(connection.peerId())) {
				return connection;
			}
		}
		return null;
	}

	private Map<String, String> dictionary(SimNode node) {
		Map<String, String> entries = new TreeMap<>();
		for (SyncEntry entry : node.engine().replica().items()) {
			entries.put(entry.key(),
					entry.meta() + " " + java.util.HexFormat.of().formatHex(Msgpack.encode(entry.value())));
		}
		return entries;
	}

	private void check() {
		List<SimNode> up = new ArrayList<>();
		for (SimNode node : this.nodes) {
			if (node.up()) {
				up.add(node);
			}
		}
		SimNode reference = up.get(0);
		// 1. convergence
		Map<String, String> expected = dictionary(reference);
		for (SimNode node : up) {
			Map<String, String> actual = dictionary(node);
			if (!actual.equals(expected)) {
				this.world.violation("convergence", node + " differs from " + reference + " " + SETTLE.toSeconds()
						+ " s after the faults stopped: " + difference(expected, actual));
			}
		}
		// 2. no acknowledged write lost
		List<SimChecks.Ack> acks = this.checks.acks;
		for (int i = 0; i < acks.size(); i++) {
			if (!overwrittenByItsWriter(acks, i)) {
				checkAck(reference, acks.get(i));
			}
		}
		// 3. the link graph
		for (SimNode a : up) {
			for (SimNode b : up) {
				if (a.name().compareTo(b.name()) >= 0) {
					continue;
				}
				checkLinks(a, b);
			}
		}
		for (int i = 0; i < this.finalDials.size(); i++) {
			java.util.concurrent.CompletableFuture<io.syncsocket.Peer> result = this.finalDialResults.get(i);
			SimNode[] pair = this.finalDials.get(i);
			if (result == null || !result.isDone() || result.isCompletedExceptionally()) {
				String outcome = (result == null) ? "not dialed" : !result.isDone() ? "still pending"
						: result.handle((peer, failure) -> String.valueOf(failure)).join();
				this.world.violation("link-graph", pair[0] + " connect(" + pair[1] + ") with the network whole did not "
						+ "complete with the peer: " + outcome);
			}
		}
		for (SimNode[] pair : this.finalDials) {
			if (!routed(pair[0], pair[1])) {
				this.world.violation("link-graph",
						pair[0] + " dialed " + pair[1] + " with the network whole, but they are not connected");
			}
		}
		// 4. initial sync
		for (SimNode node : up) {
			if (node.mesh().routes().iterator().hasNext() && !node.engine().initialSyncComplete()) {
				this.world.violation("initial-sync", node + " has a peer but initialSyncComplete is false");
			}
		}
		// 5. resource bounds
		for (SimNode node : up) {
			if (node.mesh().seenSetSize() > node.options().limits().maxSeenMessages()) {
				this.world.violation("resource-bounds", node + " seen set " + node.mesh().seenSetSize());
			}
			if (node.engine().stats().tombstones() > io.syncsocket.SyncOptions.defaults().maxTombstones()) {
				this.world.violation("resource-bounds", node + " tombstones " + node.engine().stats().tombstones());
			}
		}
		for (SimLink link : this.network.links) {
			if (link.isOpen() && link.instance == link.owner.instance() && link.pendingCount() > 0) {
				this.world.violation("resource-bounds",
						link + " holds " + link.pendingCount() + " blobs never flushed");
			}
		}
	}

	private static String difference(Map<String, String> expected, Map<String, String> actual) {
		Set<String> keys = new java.util.TreeSet<>(expected.keySet());
		keys.addAll(actual.keySet());
		for (String key : keys) {
			if (!Objects.equals(expected.get(key), actual.get(key))) {
				return "key " + key + ": " + expected.get(key) + " vs " + actual.get(key);
			}
		}
		return "?";
	}

	/**
	 * Whether the same node id wrote the key again later, at the same second or a later
	 * one (a node's own later write replaces its earlier one), or a later delta set the
	 * same field; the later write is checked itself.
	 */
	private static boolean overwrittenByItsWriter(List<SimChecks.Ack> acks, int index) {
		SimChecks.Ack ack = acks.get(index);
		for (int i = index + 1; i < acks.size(); i++) {
			SimChecks.Ack later = acks.get(i);
			if (ack.delta() != null && later.delta() != null && later.key().equals(ack.key())
					&& !java.util.Collections.disjoint(later.delta().keySet(), ack.delta().keySet())) {
				return true; // a later delta set the same field
			}
			if (later.key().equals(ack.key()) && later.meta().owner().equals(ack.meta().owner())
					&& later.meta().timestamp() >= ack.meta().timestamp()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * KNOWN ISSUE "same-second rewrite" (docs/reliability.md, Deterministic simulation):
	 * when a node writes a key twice within one second, both versions have the same
	 * (owner, second), and a merge of states orders them by their value bytes
	 * (LeaseRule.wins), not by which was written later. A node that holds the earlier one
	 * and does not take the later one live (no link to the writer then; the writer
	 * crashed before its state reached everybody; a new direct link to the writer made it
	 * drop the relayed copy, docs/design.md Convergence 6; or the link it came on was
	 * closed as a duplicate or lost and the states were merged again) may make the
	 * earlier write win everywhere. Excluded only in exactly those situations, and only
	 * when the final value is such an earlier write of the same node and second.
	 */
	private boolean isKnownSameSecondRewrite(SimChecks.Ack ack, byte @Nullable [] value) {
		for (SimChecks.Ack earlier : this.checks.acks) {
			if (earlier == ack) {
				return false;
			}
			// one delta version can hold different maps on different nodes: a delta is
			// applied
			// to whatever map a node holds (with leases on too, where the lease rule lets
			// it
			// through), so the value need not be the earlier ack's
			boolean deltas = ack.delta() != null && earlier.delta() != null;
			if (earlier.key().equals(ack.key()) && earlier.meta().equals(ack.meta())
					&& (deltas || sameValue(earlier.value(), value))) {
				boolean crashed = !ack.writer().up() || ack.writer().instance() != ack.instance();
				return !ack.heardByAll() || crashed || linkChangeNear(earlier.time(), ack.time());
			}
		}
		return false;
	}

	/**
	 * Equal values; maps compare by their entries: delta merges on different nodes can
	 * order the fields of one version differently.
	 */
	private static boolean sameValue(byte @Nullable [] a, byte @Nullable [] b) {
		if (a == null || b == null) {
			return a == b;
		}
		return java.util.Arrays.equals(a, b) || Objects.equals(Msgpack.decode(a), Msgpack.decode(b));
	}

	/**
	 * Whether some node completed a handshake, or a link closed (a duplicate resolved, a
	 * link lost: what was written on it may be gone and the states are merged again),
	 * between the two writes or within 2 s after the later.
	 */
	private boolean linkChangeNear(long from, long to) {
		// Behind a slow reader, bytes written before the writes can still be queued much
		// later: a link closed for SLOW_PEER loses them whenever it closes, and a node
		// they reach late holds the earlier write until a new link merges its state with
		// the others'.
		long until = this.slowReaders ? Long.MAX_VALUE : to + 2 * S;
		for (SimNode node : this.nodes) {
			for (long gained : node.peersGained) {
				if (gained >= from - MS && gained <= until) {
					return true;
				}
			}
		}
		for (long closed : this.world.linkCloses) {
			if (closed >= from - MS && closed <= until) {
				return true;
			}
		}
		return false;
	}

	private void checkAck(SimNode reference, SimChecks.Ack ack) {
		if (!this.checks.survived(ack)) {
			return; // every process that had the write crashed: no persistence, no acks
					// from peers (documented)
		}
		if ((this.shortRetention || this.partitionBeyondRetention) && this.deletedKeys.contains(ack.key())) {
			// a node out of contact for longer than the tombstone retention brings a
			// deleted key back (documented: README "Deletes"); short retentions are
			// simulated to exercise pruning
			return;
		}
		SyncKey key = SyncKey.of(ack.key());
		Metatuple meta = reference.engine().replica().meta(key);
		byte[] value = null;
		if (meta == null) {
			meta = reference.engine().replica().tombstone(key);
			if (meta == null) {
				if (!this.shortRetention) {
					this.world.violation("acknowledged-write-lost", ack.writer() + " " + ack.operation() + " "
							+ ack.meta() + ": the key is absent with no tombstone");
				}
				return;
			}
		}
		else {
			value = Msgpack.encode(reference.engine().replica().value(key));
		}
		if (ack.delta() != null && value != null && Msgpack.decode(value) instanceof Map<?, ?> map
				&& map.entrySet().containsAll(ack.delta().entrySet())) {
			// The delta's fields are there. (With leases off a delta lands on whatever
			// map each node holds, and an older one applies too, rule 3: versions of one
			// key may differ in the fields of other deltas, and the metadata may go back
			// in time.)
			return;
		}
		if (ack.delta() != null && value != null && this.leasing != Leasing.ON
				&& Msgpack.decode(value) instanceof Map<?, ?> map && fieldsFromOtherDeltas(ack, map)) {
			// With leases off every delta applies, an older one too (rule 3): concurrent
			// deltas to one field land in different orders on different nodes, and
			// anti-entropy then settles on one node's map (docs/reliability.md, "Live
			// differences wait for anti-entropy").
			return;
		}
		if (ack.delta() != null && meta.equals(ack.meta()) && isKnownSameSecondRewrite(ack, value)) {
			this.knownIssues++;
			return;
		}
		if (ack.delta() != null && meta.equals(ack.meta())) {
			this.world.violation("acknowledged-write-lost", ack.writer() + " " + ack.operation() + " " + ack.meta()
					+ ": the final version " + meta + " lacks the delta: " + Msgpack.decode(value));
			return;
		}
		if (meta.equals(ack.meta())) {
			if (!java.util.Arrays.equals(value, ack.value()) && isKnownSameSecondRewrite(ack, value)) {
				this.knownIssues++;
				return;
			}
			if (!java.util.Arrays.equals(value, ack.value())) {
				// a node's last write of a second is the one every node keeps (unique
				// broadcasts, §9 Q15)
				this.world.violation("acknowledged-write-lost", ack.writer() + " " + ack.operation() + " " + ack.meta()
						+ ": the same version holds " + ((value != null) ? Msgpack.decode(value) : "a deletion"));
			}
			return;
		}
		if (ack.value() == null && value == null) {
			// a deletion, and the key is deleted: which node's tombstone is kept (two
			// deletions
			// made apart, never exchanged as state) changes nothing a reader sees
			return;
		}
		if (!SimChecks.newer(meta, ack.meta()) && this.leasing != Leasing.ON
				&& this.checks.beatenAnywhere(ack.key(), ack.meta())) {
			// With leases off a newer version beat it (on some node), and then an older
			// delta took the key back in time (rule 3) after the newer version's holders
			// were gone.
			return;
		}
		if (!SimChecks.newer(meta, ack.meta())) {
			this.world.violation("acknowledged-write-lost", ack.writer() + " " + ack.operation() + " " + ack.meta()
					+ " lost to " + ((value != null) ? "value " : "deletion ") + meta + ", which it beats");
		}
	}

	/**
	 * Whether every field of the ack's delta that the final map lacks holds a value that
	 * another node's acknowledged delta to the same key wrote to it.
	 */
	private boolean fieldsFromOtherDeltas(SimChecks.Ack ack, Map<?, ?> finalMap) {
		for (Map.Entry<String, Object> field : Objects.requireNonNull(ack.delta()).entrySet()) {
			Object held = finalMap.get(field.getKey());
			if (Objects.equals(held, field.getValue())) {
				continue;
			}
			boolean written = false;
			for (SimChecks.Ack other : this.checks.acks) {
				Map<String, Object> delta = other.delta();
				if (other.writer() != ack.writer() && other.key().equals(ack.key()) && delta != null
						&& delta.containsKey(field.getKey()) && Objects.equals(delta.get(field.getKey()), held)) {
					written = true;
					break;
				}
			}
			if (!written) {
				return false;
			}
		}
		return true;
	}

	private void checkLinks(SimNode a, SimNode b) {
		Connection ab = route(a, b);
		Connection ba = route(b, a);
		if ((ab == null) != (ba == null)) {
			this.world.violation("link-graph", a + (ab != null ? " routes to " : " has no route to ") + b + " but " + b
					+ (ba != null ? " routes to " : " has no route to ") + a);
			return;
		}
		int open = 0; // each connection has exactly one end on a
		for (SimLink link : this.network.links) {
			SimLink peer = link.peer;
			if (link.owner == a && peer != null && peer.owner == b && link.instance == a.instance()
					&& peer.instance == b.instance() && link.isOpen() && peer.isOpen()) {
				open++;
				if (ab != null && (ab.link != link || ba.link != peer)) {
					this.world.violation("link-graph", a + " and " + b + " route over different links");
				}
			}
		}
		if (ab != null && open != 1) {
			this.world.violation("link-graph", a + " and " + b + " hold " + open + " open links (expected: 1)");
		}
	}

}
