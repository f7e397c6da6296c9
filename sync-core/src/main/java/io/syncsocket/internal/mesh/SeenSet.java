package io.syncsocket.internal.mesh;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The (message id, time) pairs of broadcasts already seen (PROTOCOL.md §6.2): O(1)
 * membership, and pruning by message time in buckets of one second, so a prune touches only
 * the entries it removes. Confined to the node loop.
 *
 * <p>A pair is kept as a 128-bit fingerprint (two longs mixed from the 32-byte id and the
 * time) in an open-addressing table of primitive longs, plus the same two longs in its
 * second's bucket: about 50 bytes a pair instead of the 100+ of boxed keys in a hash set.
 * Two different pairs would have to agree on 128 mixed bits to be confused.
 */
final class SeenSet {

	/** Smallest number of slots (a power of two, like every size of the table). */
	private static final int MIN_TABLE = 1 << 10;

	/** Fingerprints, two longs per slot; (0, 0) marks an empty slot. */
	private long[] table = new long[2 * MIN_TABLE];

	private int size;

	private final TreeMap<Long, Bucket> byTime = new TreeMap<>();

	private final int capacity;

	private long evicted;

	/** @param capacity most pairs kept; beyond it whole seconds are forgotten early */
	SeenSet(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * Adds the pair; returns false if it was already present. Beyond the capacity, the pairs
	 * of one second are dropped: the latest second if it lies in the future (a peer with a
	 * wrong clock, or a hostile one, cannot push out everybody else's), else the oldest.
	 */
	boolean add(byte[] blob, long time, long now) {
		long high = fingerprintHigh(blob, time);
		long low = fingerprintLow(blob, time);
		if (!insert(high, low)) {
			return false;
		}
		this.byTime.computeIfAbsent(time, (t) -> new Bucket()).add(high, low);
		while (this.size > this.capacity) {
			Map.Entry<Long, Bucket> victim = (this.byTime.lastKey() > now) ? this.byTime.pollLastEntry()
					: this.byTime.pollFirstEntry();
			removeAll(victim.getValue());
			this.evicted += victim.getValue().count;
		}
		return true;
	}

	boolean contains(byte[] blob, long time) {
		long high = fingerprintHigh(blob, time);
		long low = fingerprintLow(blob, time);
		int mask = (this.table.length >> 1) - 1;
		for (int slot = (int) mix(high ^ low) & mask;; slot = (slot + 1) & mask) {
			long h = this.table[2 * slot];
			long l = this.table[2 * slot + 1];
			if (h == 0 && l == 0) {
				return false;
			}
			if (h == high && l == low) {
				return true;
			}
		}
	}

	/** Removes every pair whose time is at or before {@code oldestExcluded}. */
	void pruneUpTo(long oldestExcluded) {
		Iterator<Map.Entry<Long, Bucket>> buckets = this.byTime.headMap(oldestExcluded, true).entrySet().iterator();
		while (buckets.hasNext()) {
			removeAll(buckets.next().getValue());
			buckets.remove();
		}
	}

	int size() {
		return this.size;
	}

	/** Pairs dropped early because of the capacity. */
	long evicted() {
		return this.evicted;
	}

	// ---- the open-addressing table (slot i holds table[2i], table[2i+1])

	private int slots() {
		return this.table.length >> 1;
	}

	private boolean insert(long high, long low) {
		if (2 * (this.size + 1) > slots()) {
			rehash(slots() * 2); // keep the load factor at most 1/2
		}
		return place(high, low);
	}

	/** Puts a fingerprint into its first free slot; false if it is already there. */
	private boolean place(long high, long low) {
		int mask = slots() - 1;
		for (int slot = (int) mix(high ^ low) & mask;; slot = (slot + 1) & mask) {
			long h = this.table[2 * slot];
			long l = this.table[2 * slot + 1];
			if (h == 0 && l == 0) {
				this.table[2 * slot] = high;
				this.table[2 * slot + 1] = low;
				this.size++;
				return true;
			}
			if (h == high && l == low) {
				return false;
			}
		}
	}

	private void removeAll(Bucket bucket) {
		for (int i = 0; i < bucket.count; i++) {
			remove(bucket.pairs[2 * i], bucket.pairs[2 * i + 1]);
		}
		if (slots() > MIN_TABLE && 8L * this.size < slots()) {
			// back to a load of about 1/4 (slots stay a power of two)
			rehash(Math.max(MIN_TABLE, Integer.highestOneBit(Math.max(1, this.size) * 4) * 2));
		}
	}

	/** Linear-probing delete: empty the slot, then re-place the rest of its cluster. */
	private void remove(long high, long low) {
		int mask = slots() - 1;
		int slot = (int) mix(high ^ low) & mask;
		while (true) {
			long h = this.table[2 * slot];
			long l = this.table[2 * slot + 1];
			if (h == 0 && l == 0) {
				return;
			}
			if (h == high && l == low) {
				break;
			}
			slot = (slot + 1) & mask;
		}
		this.table[2 * slot] = 0;
		this.table[2 * slot + 1] = 0;
		this.size--;
		for (int next = (slot + 1) & mask;; next = (next + 1) & mask) {
			long h = this.table[2 * next];
			long l = this.table[2 * next + 1];
			if (h == 0 && l == 0) {
				return;
			}
			this.table[2 * next] = 0;
			this.table[2 * next + 1] = 0;
			this.size--;
			place(h, l);
		}
	}

	private void rehash(int newSlots) {
		long[] old = this.table;
		this.table = new long[2 * newSlots];
		this.size = 0;
		for (int i = 0; i < old.length; i += 2) {
			if (old[i] != 0 || old[i + 1] != 0) {
				place(old[i], old[i + 1]);
			}
		}
	}

	// ---- fingerprints

	private static long fingerprintHigh(byte[] blob, long time) {
		ByteBuffer id = ByteBuffer.wrap(blob, 0, 32);
		long value = mix(id.getLong(0) ^ mix(id.getLong(16) + time));
		return (value == 0) ? 1 : value; // (0, 0) marks an empty slot
	}

	private static long fingerprintLow(byte[] blob, long time) {
		ByteBuffer id = ByteBuffer.wrap(blob, 0, 32);
		return mix(id.getLong(8) ^ mix(id.getLong(24) - time * 0x9E3779B97F4A7C15L));
	}

	/** A strong 64-bit finaliser (SplitMix64). */
	private static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	/** The fingerprints added in one second, in a growable long array. */
	private static final class Bucket {

		long[] pairs = new long[8];

		int count;

		void add(long high, long low) {
			if (2 * this.count + 2 > this.pairs.length) {
				this.pairs = Arrays.copyOf(this.pairs, this.pairs.length * 2);
			}
			this.pairs[2 * this.count] = high;
			this.pairs[2 * this.count + 1] = low;
			this.count++;
		}

	}

}
