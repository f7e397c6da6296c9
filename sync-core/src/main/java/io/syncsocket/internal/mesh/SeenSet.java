package io.syncsocket.internal.mesh;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/**
 * The (message id, time) pairs of broadcasts already seen (PROTOCOL.md §6.2). Used only
 * under the node lock.
 *
 * <p>
 * The time is part of the key, so the pairs are kept per second: one small
 * open-addressing set of 64-bit fingerprints of the message id for each second. A look-up
 * touches one second's set (usually the current one, which is cached), and pruning or
 * evicting drops whole seconds at once, with no per-entry work. A fingerprint is 64 mixed
 * bits of the 32-byte id; two ids of the same second would have to agree on all of them
 * to be confused. About 16 to 32 bytes a pair.
 */
final class SeenSet {

	private final TreeMap<Long, Bucket> byTime = new TreeMap<>();

	private final int capacity;

	private int size;

	private long evicted;

	private long lastTime = Long.MIN_VALUE;

	private @Nullable Bucket lastBucket;

	/**
	 * @param capacity most pairs kept; beyond it whole seconds are forgotten early
	 */
	SeenSet(int capacity) {
		this.capacity = capacity;
	}

	/**
	 * Adds the pair; returns false if it was already present. Beyond the capacity, the
	 * pairs of one second are dropped: the latest second if it lies in the future (a peer
	 * with a wrong clock, or a hostile one, cannot push out everybody else's), else the
	 * oldest.
	 */
	boolean add(byte[] blob, long time, long now) {
		Bucket bucket = java.util.Objects.requireNonNull(bucket(time, true));
		if (!bucket.add(fingerprint(blob))) {
			return false;
		}
		this.size++;
		while (this.size > this.capacity) {
			Map.Entry<Long, Bucket> victim = (this.byTime.lastKey() > now) ? this.byTime.pollLastEntry()
					: this.byTime.pollFirstEntry();
			drop(victim.getKey(), victim.getValue());
			this.evicted += victim.getValue().count;
		}
		return true;
	}

	boolean contains(byte[] blob, long time) {
		Bucket bucket = bucket(time, false);
		return bucket != null && bucket.contains(fingerprint(blob));
	}

	/** Removes every pair whose time is at or before {@code oldestExcluded}. */
	void pruneUpTo(long oldestExcluded) {
		if (this.byTime.isEmpty() || this.byTime.firstKey() > oldestExcluded) {
			return;
		}
		Iterator<Map.Entry<Long, Bucket>> buckets = this.byTime.headMap(oldestExcluded, true).entrySet().iterator();
		while (buckets.hasNext()) {
			Map.Entry<Long, Bucket> entry = buckets.next();
			buckets.remove();
			drop(entry.getKey(), entry.getValue());
		}
	}

	int size() {
		return this.size;
	}

	/** Pairs dropped early because of the capacity. */
	long evicted() {
		return this.evicted;
	}

	/** The bucket of a second; null if there is none and {@code create} is false. */
	private @Nullable Bucket bucket(long time, boolean create) {
		if (time == this.lastTime) {
			return this.lastBucket;
		}
		Bucket bucket = this.byTime.get(time);
		if (bucket == null) {
			if (!create) {
				return null;
			}
			bucket = new Bucket();
			this.byTime.put(time, bucket);
		}
		this.lastTime = time;
		this.lastBucket = bucket;
		return bucket;
	}

	private void drop(long time, Bucket bucket) {
		this.size -= bucket.count;
		if (time == this.lastTime) {
			this.lastTime = Long.MIN_VALUE;
			this.lastBucket = null;
		}
	}

	/** 64 mixed bits of the 32-byte message id; never 0 (0 marks an empty slot). */
	private static long fingerprint(byte[] blob) {
		ByteBuffer id = ByteBuffer.wrap(blob, 0, 32);
		long value = mix(id.getLong(0) ^ mix(id.getLong(8) ^ mix(id.getLong(16) ^ mix(id.getLong(24)))));
		return (value == 0) ? 1 : value;
	}

	/** A strong 64-bit finaliser (SplitMix64). */
	private static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	/**
	 * The fingerprints of one second: open addressing, linear probing, load at most 1/2,
	 * no removal.
	 */
	private static final class Bucket {

		long[] slots = new long[16];

		int count;

		boolean add(long fingerprint) {
			if (2 * (this.count + 1) > this.slots.length) {
				grow();
			}
			if (!place(this.slots, fingerprint)) {
				return false;
			}
			this.count++;
			return true;
		}

		boolean contains(long fingerprint) {
			int mask = this.slots.length - 1;
			for (int slot = (int) fingerprint & mask;; slot = (slot + 1) & mask) {
				long current = this.slots[slot];
				if (current == 0) {
					return false;
				}
				if (current == fingerprint) {
					return true;
				}
			}
		}

		private void grow() {
			long[] bigger = new long[this.slots.length * 2];
			for (long fingerprint : this.slots) {
				if (fingerprint != 0) {
					place(bigger, fingerprint);
				}
			}
			this.slots = bigger;
		}

		private static boolean place(long[] slots, long fingerprint) {
			int mask = slots.length - 1;
			for (int slot = (int) fingerprint & mask;; slot = (slot + 1) & mask) {
				long current = slots[slot];
				if (current == 0) {
					slots[slot] = fingerprint;
					return true;
				}
				if (current == fingerprint) {
					return false;
				}
			}
		}

	}

}
