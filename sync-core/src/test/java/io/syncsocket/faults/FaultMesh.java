package io.syncsocket.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.syncsocket.Leasing;
import io.syncsocket.faults.Versions.Snapshot;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Java nodes in separate JVMs joined by {@link ToxicProxy proxies}: the fixture of the
 * fault tests. Declare the nodes and links first, then {@link #start()}.
 *
 * <p>
 * A link {@code a → b} is a proxy in front of {@code b} that is one of {@code a}'s seeds:
 * only {@code a} dials it (and re-dials it with backoff), so each pair of nodes has
 * exactly one path, and cutting that proxy partitions the pair. Nodes run with
 * {@code maxOutgoing 0}: the address a node advertises in its handshake is its real port,
 * and following peer lists would dial around the proxies.
 *
 * <p>
 * Not thread-safe: used by the test thread (clients may call the {@link FaultNode}s).
 */
final class FaultMesh implements AutoCloseable {

	static final Duration WAIT = Duration.ofSeconds(30);

	private final Leasing leasing;

	private final List<Slot> slots = new ArrayList<>();

	private final List<Link> links = new ArrayList<>();

	private final List<String> extraArgs;

	private final List<FaultNode> finished = new ArrayList<>();

	FaultMesh(Leasing leasing, String... extraArgs) {
		this.leasing = leasing;
		this.extraArgs = List.of(extraArgs);
	}

	/**
	 * One node position: a name and port that survive restarts, and the process running
	 * now.
	 */
	static final class Slot {

		final String name;

		FaultNode.Spec spec;

		@Nullable FaultNode process;

		Slot(String name, FaultNode.Spec spec) {
			this.name = name;
			this.spec = spec;
		}

		FaultNode node() {
			return Objects.requireNonNull(this.process, () -> this.name + " is not running");
		}

		boolean isUp() {
			return this.process != null && this.process.isReady();
		}

		boolean isDown() {
			return this.process == null;
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** A seed link through a proxy. */
	record Link(Slot from, Slot to, ToxicProxy proxy) {

		boolean joins(Slot slot) {
			return this.from == slot || this.to == slot;
		}

	}

	Slot node(String name) {
		Slot slot = new Slot(name,
				new FaultNode.Spec(name, FaultNode.freePort(), this.leasing, List.of(), null, this.extraArgs));
		this.slots.add(slot);
		return slot;
	}

	/** {@code from} dials {@code to} through a new proxy. Before {@link #start()}. */
	Link link(Slot from, Slot to) {
		Link link = new Link(from, to, ToxicProxy.to(from.name + "->" + to.name, to.spec.port()));
		List<Integer> seeds = new ArrayList<>(from.spec.seeds());
		seeds.add(link.proxy().port());
		from.spec = from.spec.withSeeds(seeds);
		this.links.add(link);
		return link;
	}

	/** Starts every node (JVMs launched together) and waits until every link is up. */
	FaultMesh start() {
		for (Slot slot : this.slots) {
			slot.process = FaultNode.launch(slot.spec);
		}
		for (Slot slot : this.slots) {
			slot.node().awaitReady();
		}
		awaitLinked();
		return this;
	}

	List<Slot> slots() {
		return List.copyOf(this.slots);
	}

	List<Link> links() {
		return List.copyOf(this.links);
	}

	Link link(Slot a, Slot b, boolean eitherDirection) {
		for (Link link : this.links) {
			if ((link.from() == a && link.to() == b) || (eitherDirection && link.from() == b && link.to() == a)) {
				return link;
			}
		}
		throw new IllegalArgumentException("no link " + a + " - " + b);
	}

	// ------------------------------------------------------------------ faults

	/** SIGKILL. */
	void kill(Slot slot) {
		FaultNode process = slot.node();
		process.kill();
		this.finished.add(process);
		slot.process = null;
	}

	/**
	 * A new process on the same port (new node id unless the spec fixes one), waited for.
	 */
	FaultNode restart(Slot slot) {
		if (slot.process != null) {
			throw new IllegalStateException(slot + " is still running");
		}
		slot.process = FaultNode.start(slot.spec);
		return slot.process;
	}

	/** Launches a new process without waiting (see {@link Slot#isUp()}). */
	void relaunch(Slot slot) {
		if (slot.process != null) {
			throw new IllegalStateException(slot + " is still running");
		}
		slot.process = FaultNode.launch(slot.spec);
	}

	/** Launches every stopped node and waits until all are ready. */
	void restartAllDown() {
		for (Slot slot : this.slots) {
			if (slot.process == null) {
				slot.process = FaultNode.launch(slot.spec);
			}
		}
		for (Slot slot : this.slots) {
			slot.node().awaitReady();
		}
	}

	/** Cuts every link between {@code side} and the other nodes. */
	List<Link> partition(Collection<Slot> side) {
		List<Link> cut = new ArrayList<>();
		for (Link link : this.links) {
			if (side.contains(link.from()) != side.contains(link.to())) {
				link.proxy().cut();
				cut.add(link);
			}
		}
		return cut;
	}

	/** Heals every proxy. */
	void healAll() {
		this.links.forEach((link) -> link.proxy().heal());
	}

	// ------------------------------------------------------------------ waits

	/** Waits until both ends of every link whose nodes run have registered each other. */
	void awaitLinked() {
		await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
			for (Link link : this.links) {
				if (link.from().isUp() && link.to().isUp()) {
					assertThat(link.from().node().peerIds()).as("peers of %s", link.from())
						.contains(link.to().node().id());
					assertThat(link.to().node().peerIds()).as("peers of %s", link.to())
						.contains(link.from().node().id());
				}
			}
		});
	}

	/** Snapshots of the given running nodes, in order. */
	static List<Snapshot> snapshots(Collection<Slot> slots) {
		List<Snapshot> snapshots = new ArrayList<>();
		for (Slot slot : slots) {
			snapshots.add(slot.node().snapshot());
		}
		return snapshots;
	}

	/**
	 * Waits until the given nodes hold identical dictionaries (values and metadata) and
	 * returns that state.
	 */
	static Snapshot awaitIdentical(Collection<Slot> slots, Duration atMost) {
		Snapshot[] result = new Snapshot[1];
		await().atMost(atMost).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			List<Snapshot> snapshots = snapshots(slots);
			assertThat(Versions.divergentKeys(snapshots)).as("keys held differently:%s", new Object() {
				@Override
				public String toString() {
					return Versions.describeDifferences(snapshots);
				}
			}).isZero();
			result[0] = snapshots.get(0);
		});
		return result[0];
	}

	Snapshot awaitIdentical() {
		return awaitIdentical(this.slots, WAIT);
	}

	// ------------------------------------------------------------------ teardown

	/** Netty leak reports from every process this mesh ran. */
	List<String> leakReports() {
		List<String> reports = new ArrayList<>();
		this.finished.forEach((process) -> reports.addAll(process.leakReports()));
		return reports;
	}

	/** Closes every node (each waited for at most 5 s, then killed) and proxy. */
	@Override
	public void close() {
		for (Slot slot : this.slots) {
			if (slot.process != null) {
				slot.process.close();
				this.finished.add(slot.process);
				slot.process = null;
			}
		}
		this.links.forEach((link) -> link.proxy().close());
	}

	/** Names of slots, for messages. */
	static String names(Set<Slot> slots) {
		Map<String, Slot> byName = new LinkedHashMap<>();
		slots.forEach((slot) -> byName.put(slot.name, slot));
		return String.join(",", byName.keySet());
	}

}
