package io.syncsocket.internal.mesh;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * The simulated world of one run: one seeded {@link Random} that decides everything, a
 * simulated clock, and a queue of events ordered by (simulated time, sequence). Single
 * threaded: running the same seed runs exactly the same events.
 */
final class SimWorld {

	/** 2023-11-14T22:13:20Z, plus a random fraction of a second per run. */
	private static final long EPOCH_MILLIS = 1_700_000_000_000L;

	final Random random;

	final long seed;

	/**
	 * Decides the slow readers and per-link caps apart from {@link #random}, so that runs
	 * without them keep the schedules (and regression seeds) they had before slow readers
	 * were simulated.
	 */
	final Random slowRandom;

	/**
	 * Links closed for {@code SLOW_PEER} (more than {@code maxQueuedBytesPerLink}
	 * queued).
	 */
	int slowPeerCloses;

	private final PriorityQueue<Event> events = new PriorityQueue<>();

	private final long epochMillis;

	private long now;

	private long sequence;

	private long executed;

	/**
	 * A digest of every event run (time and label): two runs of one seed must end with
	 * the same.
	 */
	private long eventDigest;

	private final boolean trace;

	private final List<String> violations = new ArrayList<>();

	/**
	 * When link ends closed (simulated nanos), for the known-issue window of
	 * {@code SimRun}.
	 */
	final List<Long> linkCloses = new ArrayList<>();

	SimWorld(long seed, boolean trace) {
		this.seed = seed;
		this.random = new Random(seed);
		this.slowRandom = new Random(seed ^ 0x5104_5EEDL);
		this.trace = trace;
		this.epochMillis = EPOCH_MILLIS + this.random.nextInt(1000);
	}

	/** Simulated nanoseconds since the start of the run. */
	long now() {
		return this.now;
	}

	long executed() {
		return this.executed;
	}

	long eventDigest() {
		return this.eventDigest;
	}

	void at(long delayNanos, String label, Runnable action) {
		this.events.add(new Event(this.now + Math.max(0, delayNanos), this.sequence++, label, action));
	}

	/**
	 * Runs events until simulated time {@code until} (nanos), or until no event is left.
	 */
	void runUntil(long until) {
		Event event;
		while ((event = this.events.peek()) != null && event.time <= until) {
			this.events.poll();
			this.now = event.time;
			this.executed++;
			this.eventDigest = (this.eventDigest * 31 + event.time) * 31 + event.label.hashCode();
			if (this.trace) {
				log(event.label);
			}
			event.action.run();
			if (this.executed > 5_000_000) {
				throw new IllegalStateException("runaway simulation: more than 5,000,000 events");
			}
		}
		this.now = Math.max(this.now, until);
	}

	void runFor(long nanos) {
		runUntil(this.now + nanos);
	}

	void linkClosed() {
		this.linkCloses.add(this.now);
	}

	void log(String text) {
		if (this.trace) {
			System.out.printf("[seed %d] %9.3f s  %s%n", this.seed, this.now / 1e9, text);
		}
	}

	boolean tracing() {
		return this.trace;
	}

	void violation(String invariant, String detail) {
		if (this.violations.size() < 20) {
			this.violations.add(invariant + ": " + detail);
		}
		log("VIOLATION " + invariant + ": " + detail);
	}

	List<String> violations() {
		return this.violations;
	}

	/** The wall clock of one node: simulated time plus that node's skew. */
	Clock clock(long skewMillis) {
		return new SimClock(this, skewMillis);
	}

	long wallMillis(long skewMillis) {
		return this.epochMillis + this.now / 1_000_000 + skewMillis;
	}

	private record Event(long time, long sequence, String label, Runnable action) implements Comparable<Event> {

		@Override
		public int compareTo(Event other) {
			int byTime = Long.compare(this.time, other.time);
			return (byTime != 0) ? byTime : Long.compare(this.sequence, other.sequence);
		}

	}

	private static final class SimClock extends Clock {

		private final SimWorld world;

		private final long skewMillis;

		SimClock(SimWorld world, long skewMillis) {
			this.world = world;
			this.skewMillis = skewMillis;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public long millis() {
			return this.world.wallMillis(this.skewMillis);
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(millis());
		}

	}

}
