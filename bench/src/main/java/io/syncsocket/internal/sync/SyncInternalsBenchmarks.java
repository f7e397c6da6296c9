package io.syncsocket.internal.sync;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.syncsocket.testkit.Values;
import io.syncsocket.internal.wire.Msgpack;
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
 * The sync layer's per-change decisions and its dictionary write:
 * {@link LeaseRule#allows} (PROTOCOL.md §7.4) in its common outcomes,
 * {@link LeaseRule#wins}, and the update of a 100,000-key dictionary the way SyncEngine
 * stores a remote change (a {@link SyncKey} built from the key bytes, a new
 * {@link Version}, a {@code ConcurrentHashMap.put}). SyncEngine itself needs a running
 * mesh node; {@code io.syncsocket.bench.jmh.SyncSocketBenchmarks} measures a whole
 * {@code set} through the public API.
 *
 * <p>
 * Lives in the bench module under the sync package, for package-private access (internal
 * API: it follows sync-core's refactorings).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SyncInternalsBenchmarks {

	private static final int KEYS = 100_000;

	private static final long NOW = 1_790_000_000L;

	private static final String OWNER_A = "2Xb9LhXDTdUFVFWHfqzN3PXzWHiGQrYBYV7p9FmQnYzT9RZSVhP5p4b2WBHUfzpNAAk9q";

	private static final String OWNER_B = "2Xb9LhXDTdUFVFWHfqzN3PXzWHiGQrYBYV7p9FmQnYzT9RZSVhP5p4b2WBHUfzpNAAk9r";

	private final ConcurrentHashMap<SyncKey, Version> data = new ConcurrentHashMap<>();

	private byte[][] keys;

	private byte[] value;

	private Version ownedByA;

	private Version ownedByAExpired;

	private int next;

	@Setup
	public void setUp() {
		this.value = Msgpack.encode(Values.value(100));
		this.keys = new byte[KEYS][];
		for (int i = 0; i < KEYS; i++) {
			this.keys[i] = ("r0-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
			this.data.put(SyncKey.wrap(this.keys[i].clone()), new Version(this.value, OWNER_A, NOW));
		}
		this.ownedByA = new Version(this.value, OWNER_A, NOW);
		this.ownedByAExpired = new Version(this.value, OWNER_A, NOW - LeaseRule.LEASE_SECONDS - 1);
	}

	/** The owner rewrites its own key (rule 2): W1's case on a node that re-sets keys. */
	@Benchmark
	public boolean leaseAllowsSameOwner() {
		return LeaseRule.allows(this.ownedByA, OWNER_A, NOW, false, true, NOW);
	}

	/**
	 * Another node writes a leased key: every rule is evaluated, the change is refused.
	 */
	@Benchmark
	public boolean leaseRefusedOtherOwner() {
		return LeaseRule.allows(this.ownedByA, OWNER_B, NOW, false, true, NOW);
	}

	/** Another node writes a key whose lease expired (rule 4). */
	@Benchmark
	public boolean leaseAllowsExpired() {
		return LeaseRule.allows(this.ownedByAExpired, OWNER_B, NOW, false, true, NOW);
	}

	/**
	 * The state-transfer merge order between two versions of the same second (owner
	 * tie-break).
	 */
	@Benchmark
	public boolean mergeWins() {
		return LeaseRule.wins(this.ownedByA, new Version(this.value, OWNER_B, NOW));
	}

	/**
	 * A remote update of an existing key: SyncKey from wire bytes, new Version, map put.
	 */
	@Benchmark
	public Version dictionaryUpdate() {
		this.next = (this.next + 1) % KEYS;
		return this.data.put(SyncKey.wrap(this.keys[this.next].clone()), new Version(this.value, OWNER_B, NOW));
	}

	/** A read of an existing key: the lock-free get path before msgpack decoding. */
	@Benchmark
	public Version dictionaryLookup() {
		this.next = (this.next + 1) % KEYS;
		return this.data.get(SyncKey.wrap(this.keys[this.next]));
	}

}
