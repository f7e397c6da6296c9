package io.syncsocket.internal.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.syncsocket.Metatuple;
import io.syncsocket.SyncEntry;
import io.syncsocket.internal.wire.Msgpack;
import org.jspecify.annotations.Nullable;

/**
 * The dictionary one node holds: the live version of every key and the tombstones of
 * deleted ones, within their bounds. {@link SyncEngine} decides what changes it.
 *
 * <p>
 * Threading: the live versions are a {@link ConcurrentHashMap} that reads take without a
 * lock, from any thread; every change, and everything about tombstones (except
 * {@link #tombstoneCount()}), happens under the node lock.
 */
public final class Replica {

	private static final int MAX_INTERNED_OWNERS = 4096;

	private final ConcurrentHashMap<SyncKey, Version> data = new ConcurrentHashMap<>();

	// ---- node lock state

	private final Map<SyncKey, Version> tombstones = new HashMap<>();

	/** Owner ids seen on the wire, so that a million entries share a few id strings. */
	private final Map<String, String> owners = new HashMap<>();

	private final int maxTombstones;

	private final Duration tombstoneRetention;

	private volatile int tombstoneCount;

	Replica(int maxTombstones, Duration tombstoneRetention) {
		this.maxTombstones = maxTombstones;
		this.tombstoneRetention = Objects.requireNonNull(tombstoneRetention, "'tombstoneRetention' must not be null");
	}

	// ------------------------------------------------------------------ reads (any
	// thread)

	/** The decoded value, or null if absent. */
	public @Nullable Object value(SyncKey key) {
		Version version = this.data.get(key);
		return (version != null) ? Msgpack.decode(Objects.requireNonNull(version.value)) : null;
	}

	public @Nullable Metatuple meta(SyncKey key) {
		Version version = this.data.get(key);
		return (version != null) ? new Metatuple(version.owner, version.timestamp) : null;
	}

	/**
	 * The key's tombstone (owner and time of its deletion), or null. Under the node lock.
	 */
	public @Nullable Metatuple tombstone(SyncKey key) {
		Version tombstone = this.tombstones.get(key);
		return (tombstone != null) ? new Metatuple(tombstone.owner, tombstone.timestamp) : null;
	}

	public boolean containsKey(SyncKey key) {
		return this.data.containsKey(key);
	}

	public int size() {
		return this.data.size();
	}

	public int tombstoneCount() {
		return this.tombstoneCount;
	}

	public List<String> keys() {
		List<String> keys = new ArrayList<>(this.data.size());
		for (SyncKey key : this.data.keySet()) {
			keys.add(key.text());
		}
		return keys;
	}

	public List<byte[]> rawKeys() {
		List<byte[]> keys = new ArrayList<>(this.data.size());
		for (SyncKey key : this.data.keySet()) {
			keys.add(key.bytes().clone());
		}
		return keys;
	}

	public List<Object> values() {
		List<Object> values = new ArrayList<>(this.data.size());
		for (Version version : this.data.values()) {
			values.add(Objects.requireNonNull(Msgpack.decode(Objects.requireNonNull(version.value))));
		}
		return values;
	}

	public List<SyncEntry> items() {
		List<SyncEntry> items = new ArrayList<>(this.data.size());
		for (Map.Entry<SyncKey, Version> entry : this.data.entrySet()) {
			items.add(entry(entry.getKey(), entry.getValue()));
		}
		return items;
	}

	static SyncEntry entry(SyncKey key, Version version) {
		return new SyncEntry(key.text(), Objects.requireNonNull(Msgpack.decode(Objects.requireNonNull(version.value))),
				new Metatuple(version.owner, version.timestamp));
	}

	// ------------------------------------------------------------------ the engine's
	// view

	/** The live version of a key, or null. */
	@Nullable Version current(SyncKey key) {
		return this.data.get(key);
	}

	/** The tombstone of a key, or null. Under the node lock. */
	@Nullable Version tombstoneVersion(SyncKey key) {
		return this.tombstones.get(key);
	}

	/** The keys held now (a live view). */
	Iterable<SyncKey> liveKeys() {
		return this.data.keySet();
	}

	/** For the state stream, which walks both. */
	Map<SyncKey, Version> data() {
		return this.data;
	}

	Map<SyncKey, Version> tombstones() {
		return this.tombstones;
	}

	/** Stores a version, dropping the key's tombstone; returns the one it replaced. */
	@Nullable Version put(SyncKey key, Version version) {
		Version previous = this.data.put(key, version);
		if (this.tombstones.remove(key) != null) {
			this.tombstoneCount = this.tombstones.size();
		}
		return previous;
	}

	/** Deletes a key, remembering its tombstone; returns the version it removed. */
	@Nullable Version remove(SyncKey key, Version tombstone) {
		Version previous = this.data.remove(key);
		rememberTombstone(key, tombstone);
		return previous;
	}

	/** Remembers a tombstone for an absent key (the newer of two wins). */
	void rememberTombstone(SyncKey key, Version tombstone) {
		Version previous = this.tombstones.get(key);
		if (previous == null || LeaseRule.wins(tombstone, previous)) {
			this.tombstones.put(key, tombstone);
			if (this.tombstones.size() > this.maxTombstones) {
				forgetOldestTombstones();
			}
			this.tombstoneCount = this.tombstones.size();
		}
	}

	/** Beyond the cap, forgets the oldest tenth at once, so the sort is paid rarely. */
	private void forgetOldestTombstones() {
		int excess = this.tombstones.size() - this.maxTombstones;
		int forget = Math.min(this.tombstones.size(), Math.max(excess, this.maxTombstones / 10));
		this.tombstones.entrySet()
			.stream()
			.sorted(java.util.Comparator
				.comparingLong((Map.Entry<SyncKey, Version> entry) -> entry.getValue().timestamp))
			.limit(forget)
			.map(Map.Entry::getKey)
			.toList()
			.forEach(this.tombstones::remove);
	}

	/** Forgets the tombstones older than the retention. */
	void pruneTombstones(long nowSeconds) {
		long horizon = nowSeconds - this.tombstoneRetention.toSeconds();
		Iterator<Version> versions = this.tombstones.values().iterator();
		while (versions.hasNext()) {
			if (versions.next().timestamp < horizon) {
				versions.remove();
			}
		}
		this.tombstoneCount = this.tombstones.size();
	}

	/**
	 * Whether a change is older than the tombstone retention: a delete that beat it may
	 * have been forgotten already.
	 */
	boolean isOlderThanTombstoneMemory(Version candidate, long nowSeconds) {
		return candidate.timestamp < nowSeconds - this.tombstoneRetention.toSeconds();
	}

	/** One shared string per owner id. */
	String owner(String id) {
		String known = this.owners.get(id);
		if (known != null) {
			return known;
		}
		if (this.owners.size() >= MAX_INTERNED_OWNERS) {
			this.owners.clear();
		}
		this.owners.put(id, id);
		return id;
	}

}
