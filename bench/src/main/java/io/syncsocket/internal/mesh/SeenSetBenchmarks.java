package io.syncsocket.internal.mesh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The broadcast seen set (PROTOCOL.md §6.2) holding 100,000 (id, time) pairs — 60 seconds
 * of broadcasts at about 1,700/s: look-ups that hit and miss, and the steady state of a
 * node that adds one new broadcast per operation and prunes pairs older than 60 seconds
 * as time moves on.
 *
 * <p>
 * Lives in the bench module under SeenSet's package, for package-private access (internal
 * API: it follows sync-core's refactorings).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SeenSetBenchmarks {

	private static final int ENTRIES = 100_000;

	private static final int WINDOW_SECONDS = 60;

	private static final int PER_SECOND = ENTRIES / WINDOW_SECONDS;

	private static final int RING = 1 << 18;

	/**
	 * MeshLimits' default maxSeenMessages: above the 100,000 pairs held, no early
	 * eviction.
	 */
	private static final int CAPACITY = 1_000_000;

	private SeenSet seen;

	/** Random 32-byte ids (SHA-256 checksums are uniformly distributed). */
	private byte[][] ids;

	private long[] times;

	private byte[][] misses;

	private int next;

	private int added;

	private long time;

	@Setup
	public void setUp() {
		SplittableRandom random = new SplittableRandom(42);
		this.ids = new byte[RING][32];
		this.misses = new byte[1024][32];
		this.times = new long[RING];
		for (byte[] id : this.ids) {
			random.nextBytes(id);
		}
		for (byte[] id : this.misses) {
			random.nextBytes(id);
		}
		this.seen = new SeenSet(CAPACITY);
		this.time = 1_790_000_000L;
		for (int i = 0; i < ENTRIES; i++) {
			addOne();
		}
	}

	/** A duplicate broadcast: the pair is present. */
	@Benchmark
	public boolean containsHit() {
		// one of the newest pairs, all of which are within the window
		this.next = (this.next + 7919) % (ENTRIES - 2 * PER_SECOND);
		int slot = (this.added - 1 - this.next) & (RING - 1);
		return this.seen.contains(this.ids[slot], this.times[slot]);
	}

	/** A new broadcast: the pair is absent. */
	@Benchmark
	public boolean containsMiss() {
		this.next = (this.next + 1) & 1023;
		return this.seen.contains(this.misses[this.next], this.time);
	}

	/**
	 * One new broadcast: add, and prune what fell out of the 60-second window
	 * (amortised).
	 */
	@Benchmark
	public boolean addAndPrune() {
		return addOne();
	}

	private boolean addOne() {
		int slot = this.added & (RING - 1);
		this.added++;
		if (this.added % PER_SECOND == 0) {
			this.time++;
			this.seen.pruneUpTo(this.time - WINDOW_SECONDS);
		}
		this.times[slot] = this.time;
		return this.seen.add(this.ids[slot], this.time, this.time);
	}

}
