package io.syncsocket.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncsocket.Leasing;
import io.syncsocket.faults.FaultMesh.Link;
import io.syncsocket.faults.FaultMesh.Slot;
import io.syncsocket.faults.Versions.Snapshot;
import io.syncsocket.interop.Js2pNode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A chaos run: Java nodes in separate JVMs and js2p nodes, all links through
 * {@link ToxicProxy proxies}; for a fixed time a driver makes random sets, deltas and
 * deletes through the nodes while it SIGKILLs and restarts Java nodes, kills and restarts
 * js2p nodes, partitions the mesh, and cuts, blackholes and slows single links. Then
 * everything is healed and the Java nodes must hold identical dictionaries (divergence 0)
 * that keep every acknowledged write ({@link AckLedger}). One summary line is printed:
 *
 * <pre>CHAOS seed=.. duration=..s ops=N faults=M (kills=.., restarts=.., partitions=.., js2pKills=..) liveDivergence=0 divergence=0 lostAcknowledgedWrites=0</pre>
 *
 * <p>
 * System properties (defaults: the short CI variant): {@code chaos.duration} seconds
 * (45), {@code chaos.seed} (random), {@code chaos.javaNodes} (5), {@code chaos.js2pNodes}
 * (2), {@code chaos.opsPerSecond} (100). {@code chaos/run.sh} runs long variants.
 *
 * <p>
 * Design decisions:
 * <ul>
 * <li><b>Leasing.OFF</b> (subnet {@code sync0}; js2p started with {@code leasing=false},
 * the same predicate): a restarted node has a new id and must be able to write keys its
 * old id wrote; under Leasing.ON every key written by a killed node would be locked for
 * an hour.</li>
 * <li>Key families. {@code s*}: Java sets and deletes. {@code m*}: Java deltas only, each
 * adding a new field (so a write's content can be recognised in a merged map).
 * {@code x*}: everything mixed (Java map sets, deltas and deletes, js2p sets and deltas).
 * {@code j*}: js2p sets and deltas (js2p cannot delete, PROTOCOL.md §9 Q1). Every family
 * counts for divergence; lost acknowledged writes are judged on {@code s*} and {@code m*}
 * ({@link AckLedger}). On mixed keys "newest metatuple" is not "latest write": with
 * leases off every delta is accepted whatever its timestamp and overwrites the metadata
 * (PROTOCOL.md §7.4 rule 3), so a key's metatuple can move back in time and later writes
 * be stamped below earlier ones. There the test only reports how many acknowledged writes
 * look lost by the metatuple rule, and js2p writes (whose metadata the test cannot see,
 * §9 Q14) are never judged.</li>
 * <li>Topology: a ring plus chords between Java nodes, each link one proxy dialed by one
 * side (its seed); every js2p node hangs off one Java node that dials it, so js2p never
 * bridges a partition (it would not relay deletes). js2p state is not judged: js2p does
 * not merge present keys after a partition (PROTOCOL.md §9); it only must not break the
 * Java nodes.</li>
 * <li>"partitions" counts every network fault: splits of the Java nodes into two sides,
 * and single-link cuts, blackholes and delays. faults = kills + partitions +
 * js2pKills.</li>
 * <li>Writes whose every copy died with SIGKILLed nodes (nothing is persisted) are
 * excluded from judgement when the node is killed ({@link AckLedger#excludeUncovered})
 * and reported.</li>
 * <li>At the end, after healing, live divergence is measured (the nodes must be identical
 * within 15 s with no forced re-sync), then every Java-Java link is cut and healed once
 * (a final state exchange) and divergence is measured again. Both must be zero: the first
 * shows that live changes converge by themselves, the second that a state exchange
 * changes nothing that the first missed.</li>
 * </ul>
 */
@Tag("slow")
class ChaosTests {

	private static final Logger logger = LoggerFactory.getLogger(ChaosTests.class);

	private static final ObjectMapper mapper = new ObjectMapper();

	private static final Duration FINAL_WAIT = Duration.ofSeconds(60);

	private static final int S_KEYS = 20;

	private static final int M_KEYS = 8;

	private static final int X_KEYS = 6;

	private static final int J_KEYS = 6;

	private @Nullable FaultMesh mesh;

	private final List<ToxicProxy> js2pProxies = new ArrayList<>();

	private final List<Js2pSlot> js2pSlots = new ArrayList<>();

	/** Acknowledged writes to the judged families ({@code s*}, {@code m*}). */
	private final AckLedger ledger = new AckLedger();

	/**
	 * Acknowledged Java writes to the mixed family ({@code x*}): not judged, reported.
	 */
	private final AckLedger mixed = new AckLedger();

	private final List<Pending> pending = new ArrayList<>();

	private final Map<String, Integer> counters = new LinkedHashMap<>();

	@AfterEach
	void closeEverything() {
		for (Js2pSlot slot : this.js2pSlots) {
			if (slot.node != null) {
				slot.node.close();
			}
		}
		this.js2pProxies.forEach(ToxicProxy::close);
		if (this.mesh != null) {
			this.mesh.close();
		}
	}

	/**
	 * One js2p node position: a port that survives restarts, the Java node that dials it,
	 * the process now.
	 */
	private static final class Js2pSlot {

		final String name;

		final int port;

		final Slot anchor;

		@Nullable Js2pNode node;

		Js2pSlot(String name, int port, Slot anchor) {
			this.name = name;
			this.port = port;
			this.anchor = anchor;
		}

		Js2pNode.Options options() {
			return Js2pNode.Options.sync().withLeasing(Js2pNode.Leasing.FALSE).withPort(this.port);
		}

	}

	/** Something to do later (heal, restart), due at a nanoTime. */
	private record Pending(long due, String what, Runnable action) {
	}

	@Test
	void meshShouldConvergeAndKeepAcknowledgedWritesUnderChaos() {
		long seed = Long.getLong("chaos.seed", new Random().nextLong());
		long durationSeconds = Long.getLong("chaos.duration", 45);
		int javaNodes = Integer.getInteger("chaos.javaNodes", 5);
		int js2pNodes = Integer.getInteger("chaos.js2pNodes", 2);
		int opsPerSecond = Integer.getInteger("chaos.opsPerSecond", 100);
		assertThat(javaNodes).as("chaos.javaNodes").isGreaterThanOrEqualTo(3);
		if (js2pNodes > 0) {
			Js2pNode.assumeAvailable();
		}
		logger.info("CHAOS starting: seed={} duration={}s javaNodes={} js2pNodes={} opsPerSecond={}", seed,
				durationSeconds, javaNodes, js2pNodes, opsPerSecond);
		try {
			chaos(seed, durationSeconds, javaNodes, js2pNodes, opsPerSecond);
		}
		catch (AssertionError ex) {
			// the seed names the run in CI's failure summary (the schedule of real
			// threads
			// does not repeat, the faults and operations do)
			throw new AssertionError("CHAOS seed=" + seed + " (-Dchaos.seed=" + seed + "): " + ex.getMessage(), ex);
		}
	}

	private void chaos(long seed, long durationSeconds, int javaNodes, int js2pNodes, int opsPerSecond) {
		Random random = new Random(seed);

		FaultMesh mesh = new FaultMesh(Leasing.OFF);
		this.mesh = mesh;
		List<Slot> java = new ArrayList<>();
		for (int i = 0; i < javaNodes; i++) {
			java.add(mesh.node("n" + i));
		}
		for (int i = 0; i < javaNodes; i++) {
			boolean forward = random.nextBoolean();
			Slot next = java.get((i + 1) % javaNodes);
			mesh.link(forward ? java.get(i) : next, forward ? next : java.get(i));
		}
		for (int i = 0; i < javaNodes / 2; i++) {
			mesh.link(java.get(i), java.get((i + 2) % javaNodes));
		}
		for (int j = 0; j < js2pNodes; j++) {
			Slot anchor = java.get((j * javaNodes / Math.max(1, js2pNodes) + 1) % javaNodes);
			Js2pSlot slot = new Js2pSlot("j" + j, FaultNode.freePort(), anchor);
			ToxicProxy proxy = ToxicProxy.to(anchor.name + "->" + slot.name, slot.port);
			this.js2pProxies.add(proxy);
			List<Integer> seeds = new ArrayList<>(anchor.spec.seeds());
			seeds.add(proxy.port());
			anchor.spec = anchor.spec.withSeeds(seeds);
			slot.node = Js2pNode.start(slot.options());
			this.js2pSlots.add(slot);
		}
		mesh.start();
		awaitJs2pLinked();

		long start = System.nanoTime();
		long deadline = start + Duration.ofSeconds(durationSeconds).toNanos();
		long nextFault = start + millis(random, 1000, 3000);
		long opsDone = 0;
		while (System.nanoTime() - deadline < 0) {
			runDue();
			if (System.nanoTime() - nextFault >= 0) {
				injectFault(random, mesh, java);
				nextFault = System.nanoTime() + millis(random, 1000, 3000);
			}
			operate(random, java, opsDone);
			opsDone++;
			// a load generator's think time: keeps the op rate near opsPerSecond (not a
			// synchronisation)
			long nextOp = start + opsDone * 1_000_000_000L / opsPerSecond;
			long wait = nextOp - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
		}

		// ---------------------------------------------------------------- heal
		// everything
		this.pending.clear();
		mesh.healAll();
		this.js2pProxies.forEach(ToxicProxy::heal);
		mesh.restartAllDown();
		for (Js2pSlot slot : this.js2pSlots) {
			if (slot.node == null) {
				slot.node = Js2pNode.start(slot.options());
			}
		}
		mesh.awaitLinked();
		awaitJs2pLinked();

		int liveDivergence = 0;
		try {
			FaultMesh.awaitIdentical(java, Duration.ofSeconds(15));
		}
		catch (AssertionError | RuntimeException ex) {
			liveDivergence = Versions.divergentKeys(FaultMesh.snapshots(java));
			logger.info("CHAOS live divergence before the final state exchange: {} keys:{}", liveDivergence,
					Versions.describeDifferences(FaultMesh.snapshots(java)));
		}

		// the final state exchange: every Java-Java link is cut once and healed
		Set<String> js2pIds = new HashSet<>();
		this.js2pSlots.forEach((slot) -> js2pIds.add(slot.node.id()));
		mesh.links().forEach((link) -> link.proxy().cut());
		await().atMost(FINAL_WAIT).untilAsserted(() -> {
			for (Slot slot : java) {
				assertThat(js2pIds).containsAll(slot.node().peerIds());
			}
		});
		mesh.healAll();
		mesh.awaitLinked();
		int divergence = 0;
		Snapshot converged;
		try {
			converged = FaultMesh.awaitIdentical(java, FINAL_WAIT);
		}
		catch (AssertionError | RuntimeException ex) {
			List<Snapshot> snapshots = FaultMesh.snapshots(java);
			divergence = Versions.divergentKeys(snapshots);
			logger.error("CHAOS divergence after the final state exchange: {} keys:{}", divergence,
					Versions.describeDifferences(snapshots));
			converged = snapshots.get(0);
		}
		List<Snapshot> finals = FaultMesh.snapshots(java);
		List<AckLedger.Lost> lost = this.ledger.lost(converged, finals);
		int mixedRegressions = this.mixed.lost(converged, finals).size();
		long now = System.currentTimeMillis() / 1000;
		long drift = converged.entries().values().stream().mapToLong(Versions.Version::ts).max().orElse(now) - now;

		int kills = count("kills");
		int partitions = count("partitions") + count("linkCuts") + count("blackholes") + count("delays");
		int js2pKills = count("js2pKills");
		int faults = kills + partitions + js2pKills;
		String summary = "CHAOS seed=" + seed + " duration=" + durationSeconds + "s ops=" + opsDone + " faults="
				+ faults + " (kills=" + kills + ", restarts=" + count("restarts") + ", partitions=" + partitions
				+ ", js2pKills=" + js2pKills + ") liveDivergence=" + liveDivergence + " divergence=" + divergence
				+ " lostAcknowledgedWrites=" + lost.size();
		System.out.println(summary);
		logger.info("CHAOS details: {} acknowledged Java writes judged (s*, m*), {} died with killed nodes (excluded); "
				+ "mixed x*: {} acknowledged, {} look lost by the metatuple rule (not judged); {} same-second reorders; "
				+ "live divergence before the final exchange: {} keys; newest timestamp {} s ahead of the clock; "
				+ "final keys {}; counters {}", this.ledger.size(), this.ledger.excludedCount(), this.mixed.size(),
				mixedRegressions, this.ledger.sameSecondReorders(converged), liveDivergence, drift,
				converged.entries().size(), this.counters);

		assertThat(liveDivergence)
			.as("%s: keys held differently by the Java nodes 15 s after the faults stopped, "
					+ "before any forced state exchange", summary)
			.isZero();
		assertThat(divergence).as("%s: keys held differently by the Java nodes after the final state exchange", summary)
			.isZero();
		Snapshot judged = converged;
		assertThat(lost).as("%s: acknowledged writes lost:%s", summary, new Object() {
			@Override
			public String toString() {
				StringBuilder text = new StringBuilder();
				lost.stream()
					.limit(10)
					.forEach((l) -> text.append("\n  ").append(ChaosTests.this.ledger.explain(l, judged)));
				return text.toString();
			}
		}).isEmpty();
		assertThat(opsDone).as(summary).isGreaterThan(durationSeconds * opsPerSecond / 4);
		assertThat(this.ledger.size()).as(summary).isGreaterThan(0);
		assertThat(faults).as(summary).isGreaterThan(0);
		for (Js2pSlot slot : this.js2pSlots) {
			// js2p nodes are alive and linked to their Java node at the end
			assertThat(slot.node.status().path("peerCount").asInt()).as("%s: peers of js2p %s", summary, slot.name)
				.isPositive();
		}
		mesh.close();
		assertThat(mesh.leakReports()).as("%s: Netty leak reports of the node processes", summary).isEmpty();
	}

	// ------------------------------------------------------------------ operations

	private void operate(Random random, List<Slot> java, long op) {
		List<Js2pSlot> liveJs2p = this.js2pSlots.stream().filter((slot) -> slot.node != null).toList();
		if (!liveJs2p.isEmpty() && random.nextInt(100) < 15) {
			Js2pSlot slot = liveJs2p.get(random.nextInt(liveJs2p.size()));
			try {
				String key = (random.nextBoolean() ? "x" + random.nextInt(X_KEYS) : "j" + random.nextInt(J_KEYS));
				if (random.nextBoolean()) {
					slot.node.set(key, Js2pNode.map("r" + op, Js2pNode.integer(op)));
				}
				else {
					slot.node.applyDelta(key, Js2pNode.map("o" + op, Js2pNode.integer(op)));
				}
				increment("js2pOps");
			}
			catch (AssertionError ex) {
				increment("failedOps");
				String message = String.valueOf(ex.getMessage());
				int at = message.indexOf("failed: ");
				// js2p's own error, e.g. its lease check refusing a set on a key stamped
				// in the future
				increment("failed:js2p " + ((at >= 0) ? message.substring(at + 8, Math.min(message.length(), at + 48))
						: (slot.node.isAlive() ? "no answer" : "down")));
			}
			return;
		}
		List<Slot> up = java.stream().filter(Slot::isUp).toList();
		if (up.isEmpty()) {
			return;
		}
		Slot slot = up.get(random.nextInt(up.size()));
		int dice = random.nextInt(100);
		WriteStream.Write write;
		if (dice < 30) {
			write = WriteStream.Write.set("s" + random.nextInt(S_KEYS),
					random.nextBoolean() ? (Object) ("v" + op) : (Object) op);
		}
		else if (dice < 42) {
			write = WriteStream.Write.delete("s" + random.nextInt(S_KEYS));
		}
		else if (dice < 67) {
			write = WriteStream.Write.delta("m" + random.nextInt(M_KEYS), Map.of("o" + op, op));
		}
		else if (dice < 82) {
			write = WriteStream.Write.delta("x" + random.nextInt(X_KEYS), Map.of("o" + op, op));
		}
		else if (dice < 90) {
			write = WriteStream.Write.set("x" + random.nextInt(X_KEYS), Map.of("r" + op, op));
		}
		else {
			write = WriteStream.Write.delete("x" + random.nextInt(X_KEYS));
		}
		try {
			FaultNode node = slot.node();
			JsonNode reply = switch (write.kind()) {
				case SET -> node.set(write.key(), write.value());
				case DELTA -> node.delta(write.key(), write.value());
				case DELETE -> node.del(write.key());
			};
			if (reply.path("ok").asBoolean()) {
				AckLedger target = write.key().startsWith("x") ? this.mixed : this.ledger;
				target.record(slot.name, write.kind(), write.key(), reply,
						(write.value() != null) ? mapper.valueToTree(write.value()) : null);
				increment("javaOps");
			}
			else {
				increment("failedOps");
				increment("failed:" + reply.path("error").asText());
				logger.debug("CHAOS {} on {} refused: {}", write, slot, reply);
			}
		}
		catch (AssertionError ex) {
			increment("failedOps"); // the node died under the write: not acknowledged
			increment("failed:node down");
		}
	}

	// ------------------------------------------------------------------ faults

	private void injectFault(Random random, FaultMesh mesh, List<Slot> java) {
		int dice = random.nextInt(100);
		if (dice < 30) {
			killJava(random, mesh, java);
		}
		else if (dice < 50) {
			partition(random, mesh, java);
		}
		else if (dice < 85) {
			linkFault(random, mesh);
		}
		else {
			killJs2p(random);
		}
	}

	private void killJava(Random random, FaultMesh mesh, List<Slot> java) {
		long down = java.stream().filter(Slot::isDown).count();
		List<Slot> candidates = java.stream().filter(Slot::isUp).toList();
		if (down >= 2 || candidates.isEmpty()) {
			return;
		}
		Slot victim = candidates.get(random.nextInt(candidates.size()));
		// what survives the kill: the other running nodes' states, taken just before it
		List<Snapshot> survivors = new ArrayList<>();
		for (Slot slot : java) {
			if (slot != victim && slot.isUp()) {
				survivors.add(slot.node().snapshot());
			}
		}
		this.mixed.excludeUncovered(victim.name, survivors);
		List<AckLedger.Ack> excluded = this.ledger.excludeUncovered(victim.name, survivors);
		mesh.kill(victim);
		increment("kills");
		Map<String, Long> breakdown = new java.util.TreeMap<>();
		excluded.forEach((ack) -> breakdown
			.merge(ack.kind() + (ack.node().equals(victim.name) ? " by victim" : " by others"), 1L, Long::sum));
		logger.info("CHAOS kill -9 {} ({} acknowledged writes not held by a live node: {}; e.g. {})", victim,
				excluded.size(), breakdown, excluded.stream().limit(3).toList());
		if (logger.isDebugEnabled()) {
			for (AckLedger.Ack ack : excluded.stream().filter((a) -> !a.node().equals(victim.name)).limit(3).toList()) {
				logger.debug("CHAOS   excluded {} {} = {} acked by {}", ack.kind(), ack.key(), ack.version(),
						ack.node());
				for (Slot slot : java) {
					if (slot.isUp()) {
						logger.debug("CHAOS     {} history of {}: {}", slot, ack.key(),
								slot.node().command("history", Map.of("key", ack.key())).path("changes"));
					}
				}
			}
		}
		later(millis(random, 1000, 4000), "restart " + victim, () -> {
			mesh.relaunch(victim);
			increment("restarts");
		});
	}

	private void partition(Random random, FaultMesh mesh, List<Slot> java) {
		List<Slot> shuffled = new ArrayList<>(java);
		Collections.shuffle(shuffled, random);
		Set<Slot> side = new HashSet<>(shuffled.subList(0, 1 + random.nextInt(java.size() - 1)));
		List<Link> cut = mesh.partition(side);
		increment("partitions");
		logger.info("CHAOS partition {} | rest ({} links cut)", FaultMesh.names(side), cut.size());
		later(millis(random, 2000, 6000), "heal partition", () -> cut.forEach((link) -> link.proxy().heal()));
	}

	private void linkFault(Random random, FaultMesh mesh) {
		List<Link> healthy = mesh.links().stream().filter((link) -> !link.proxy().isDegraded()).toList();
		if (healthy.isEmpty()) {
			return;
		}
		Link link = healthy.get(random.nextInt(healthy.size()));
		int kind = random.nextInt(3);
		if (kind == 0) {
			link.proxy().cut();
			increment("linkCuts");
		}
		else if (kind == 1) {
			link.proxy().blackhole();
			increment("blackholes");
		}
		else {
			link.proxy().delay(Duration.ofMillis(20 + random.nextInt(180)));
			increment("delays");
		}
		logger.info("CHAOS {} {}", (kind == 0) ? "cut" : (kind == 1) ? "blackhole" : "delay", link.proxy());
		later(millis(random, 1000, 4000), "heal " + link.proxy(), () -> link.proxy().heal());
	}

	private void killJs2p(Random random) {
		List<Js2pSlot> live = this.js2pSlots.stream().filter((slot) -> slot.node != null).toList();
		if (live.isEmpty()) {
			return;
		}
		Js2pSlot slot = live.get(random.nextInt(live.size()));
		slot.node.kill();
		slot.node = null;
		increment("js2pKills");
		logger.info("CHAOS kill -9 js2p {}", slot.name);
		later(millis(random, 1000, 3000), "restart js2p " + slot.name, () -> {
			slot.node = Js2pNode.start(slot.options());
			increment("js2pRestarts");
		});
	}

	private void awaitJs2pLinked() {
		await().atMost(FINAL_WAIT).untilAsserted(() -> {
			for (Js2pSlot slot : this.js2pSlots) {
				assertThat(slot.anchor.node().peerIds()).as("peers of %s", slot.anchor).contains(slot.node.id());
			}
		});
	}

	// ------------------------------------------------------------------ bookkeeping

	private void later(long delayNanos, String what, Runnable action) {
		this.pending.add(new Pending(System.nanoTime() + delayNanos, what, action));
	}

	private void runDue() {
		long now = System.nanoTime();
		List<Pending> due = this.pending.stream().filter((p) -> now - p.due() >= 0).toList();
		this.pending.removeAll(due);
		for (Pending action : due) {
			logger.debug("CHAOS {}", action.what());
			action.action().run();
		}
	}

	private void increment(String counter) {
		this.counters.merge(counter, 1, Integer::sum);
	}

	private int count(String counter) {
		return this.counters.getOrDefault(counter, 0);
	}

	private static long millis(Random random, int min, int max) {
		return Duration.ofMillis(min + random.nextInt(max - min)).toNanos();
	}

}
