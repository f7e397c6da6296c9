package io.syncsocket.internal.mesh;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The (message id, time) pairs of broadcasts already seen (PROTOCOL.md §6.2): O(1)
 * membership, and pruning by message time in buckets of one second, so a prune touches
 * only the entries it removes. Confined to the node loop.
 */
final class SeenSet {

	private final Set<Key> keys = new HashSet<>();

	private final TreeMap<Long, List<Key>> byTime = new TreeMap<>();

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
		Key key = Key.of(blob, time);
		if (!this.keys.add(key)) {
			return false;
		}
		this.byTime.computeIfAbsent(time, (t) -> new ArrayList<>()).add(key);
		while (this.keys.size() > this.capacity) {
			Map.Entry<Long, List<Key>> victim = (this.byTime.lastKey() > now) ? this.byTime.pollLastEntry()
					: this.byTime.pollFirstEntry();
			this.keys.removeAll(victim.getValue());
			this.evicted += victim.getValue().size();
		}
		return true;
	}

	/** Pairs dropped early because of the capacity. */
	long evicted() {
		return this.evicted;
	}

	boolean contains(byte[] blob, long time) {
		return this.keys.contains(Key.of(blob, time));
	}

	/** Removes every pair whose time is at or before {@code oldestExcluded}. */
	void pruneUpTo(long oldestExcluded) {
		Iterator<Map.Entry<Long, List<Key>>> buckets = this.byTime.headMap(oldestExcluded, true).entrySet().iterator();
		while (buckets.hasNext()) {
			this.keys.removeAll(buckets.next().getValue());
			buckets.remove();
		}
	}

	int size() {
		return this.keys.size();
	}

	/** The 32-byte message id as four longs, plus the time. */
	private record Key(long a, long b, long c, long d, long time) {

		static Key of(byte[] blob, long time) {
			ByteBuffer id = ByteBuffer.wrap(blob, 0, 32);
			return new Key(id.getLong(), id.getLong(), id.getLong(), id.getLong(), time);
		}

	}

}
