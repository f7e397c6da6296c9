package io.syncsocket;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.syncsocket.internal.sync.SyncEngine;
import io.syncsocket.internal.sync.SyncKey;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import org.jspecify.annotations.Nullable;

/**
 * A dictionary shared by every node of a mesh: the p2p-today {@code SyncSocket},
 * wire-compatible with js2p and py2p (protocol 0.7, PROTOCOL.md §7).
 *
 * <pre>{@code
 * try (SyncSocket sync = new SyncSocket(SyncOptions.builder().mesh((m) -> m.port(4444)).build()).start()) {
 *     sync.connect("127.0.0.1", 5555);
 *     sync.set("feature.dark-mode", true);
 *     Object value = sync.get("feature.dark-mode");
 * }
 * }</pre>
 *
 * <h2>Keys and values</h2> Keys are text or bytes; a text key is its UTF-8 bytes, so
 * {@code "k"} and {@code "k".getBytes(UTF_8)} are the same key. The dictionary methods of
 * the seed API ({@code get}, {@code meta}, {@code containsKey}, {@code set}, {@code del},
 * {@code pop}, {@code applyDelta}) take either; the typed getters, {@code update} and the
 * {@code *Async} variants take text keys. Values keep their msgpack type end to end:
 * <table>
 * <caption>Java types of values</caption>
 * <tr>
 * <th>write</th>
 * <th>wire</th>
 * <th>read back</th>
 * </tr>
 * <tr>
 * <td>{@code String}</td>
 * <td>str</td>
 * <td>{@code String}</td>
 * </tr>
 * <tr>
 * <td>{@code byte[]}</td>
 * <td>bin</td>
 * <td>{@code byte[]} (a copy)</td>
 * </tr>
 * <tr>
 * <td>{@code Integer}, {@code Long} ...</td>
 * <td>int</td>
 * <td>{@code Long}</td>
 * </tr>
 * <tr>
 * <td>{@code Double} / {@code Float}</td>
 * <td>float64 / float32</td>
 * <td>{@code Double} / {@code Float}</td>
 * </tr>
 * <tr>
 * <td>{@code Boolean}</td>
 * <td>bool</td>
 * <td>{@code Boolean}</td>
 * </tr>
 * <tr>
 * <td>{@code List}</td>
 * <td>array</td>
 * <td>unmodifiable {@code List}</td>
 * </tr>
 * <tr>
 * <td>{@code Map}</td>
 * <td>map</td>
 * <td>unmodifiable {@code Map}</td>
 * </tr>
 * </table>
 * A stored value (from js2p or py2p too) keeps the exact encoding it arrived in and is
 * passed on unchanged, except a map that a delta was merged into: it is re-encoded
 * (minimal-width msgpack, map keys as text). Unlike js2p, falsy values ({@code 0},
 * {@code ""}, {@code false}) are ordinary values. {@code null} cannot be stored:
 * {@link #del} deletes.
 *
 * <h2>Leasing and timestamps</h2> Every key carries a {@link Metatuple} (owner, timestamp
 * in whole seconds). With {@link Leasing#ON} a key written by one node cannot be changed
 * by another for an hour ({@link LeaseHeldException}). Live changes must pass the lease
 * rule of PROTOCOL.md §7.4, and are also refused when they lose to the key's tombstone or
 * are older than the stored version of the same owner; a direct peer's broadcasts are
 * taken only from the link this node routes to it over. After a reconnect, state
 * transfers are merged by newest timestamp (ties: smaller node id), so syncsocket nodes
 * that were partitioned converge to identical dictionaries. Every broadcast this node
 * authors for a write is unique, or the write is refused (peers drop a repeat of the same
 * second as a duplicate, PROTOCOL.md §9 Q15): it is stamped with the current second or a
 * later one at most a second ahead of the clock, and refused with
 * {@link WriteConflictException} when no such second is left.
 *
 * <h2>Threading</h2> As {@link MeshSocket}: reads ({@code get}, {@code keys},
 * {@code items} ...) take no lock and may be called from any thread while the socket runs
 * (they throw {@link SocketClosedException} before {@link #start()} and after
 * {@link #close()}); writes are serialised by the node lock, on the caller's thread when
 * the node loop is idle, else on the loop while the caller waits, so a node always reads
 * its own writes; calling them from a listener fails fast. {@link SyncListener}s are
 * called on the node loop in commit order (or on the configured listener executor).
 */
public class SyncSocket extends MeshSocket {

	private final SyncOptions syncOptions;

	private static final SyncStats NO_STATS = SyncStats.builder().build();

	/** The dictionary of the current (or last) run; each start makes a new one. */
	private volatile @Nullable Run run;

	private final List<SyncListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

	/** A socket with the given options; call {@link #start()} to bind. */
	public SyncSocket(SyncOptions options) {
		super(Objects.requireNonNull(options, "'options' must not be null").mesh(),
				options.mesh().protocol().withSubnetSuffix(options.leasing().subnetSuffix()));
		this.syncOptions = options;
		extension((node) -> {
			Run previous = this.run;
			SyncEngine created = new SyncEngine(node, options.leasing(), options.deletePolicy(),
					options.tombstoneRetention(), options.maxTombstones(), options.antiEntropyInterval(),
					this.listeners, SyncEvent::new);
			this.run = new Run(created, (previous != null) ? previous.stats() : NO_STATS);
			return created;
		});
	}

	@Override
	public SyncSocket start() {
		super.start();
		return this;
	}

	public SyncOptions syncOptions() {
		return this.syncOptions;
	}

	public Leasing leasing() {
		return this.syncOptions.leasing();
	}

	// ------------------------------------------------------------------ reads

	/** The value of a key, or null if absent. Never blocks. */
	public @Nullable Object get(String key) {
		return engine().replica().value(SyncKey.of(requireKey(key)));
	}

	/** The value of a key given as bytes, or null if absent. */
	public @Nullable Object get(byte[] key) {
		return engine().replica().value(SyncKey.copyOf(requireKey(key)));
	}

	/** The value of a key, or {@code fallback} if absent. */
	public @Nullable Object get(String key, @Nullable Object fallback) {
		Object value = get(key);
		return (value != null) ? value : fallback;
	}

	/** {@link #get(String, Object)} with a key given as bytes. */
	public @Nullable Object get(byte[] key, @Nullable Object fallback) {
		Object value = get(key);
		return (value != null) ? value : fallback;
	}

	/**
	 * A str value, or null if absent. @throws ValueTypeException if the value is not a
	 * str
	 */
	public @Nullable String getString(String key) {
		return typed(key, String.class, "a str");
	}

	/**
	 * A bin value, or null if absent. @throws ValueTypeException if the value is not a
	 * bin
	 */
	public byte @Nullable [] getBytes(String key) {
		return typed(key, byte[].class, "a bin");
	}

	/**
	 * An integer value, or {@code fallback} if absent. @throws ValueTypeException if it
	 * is not an integer
	 */
	public long getLong(String key, long fallback) {
		Long value = typed(key, Long.class, "an integer that fits a long");
		return (value != null) ? value : fallback;
	}

	/** A number as a double (integers widened), or {@code fallback} if absent. */
	public double getDouble(String key, double fallback) {
		Object value = get(key);
		if (value == null) {
			return fallback;
		}
		if (value instanceof Number number) {
			return number.doubleValue();
		}
		throw new ValueTypeException(key, "a number", MessageCodec.describe(value));
	}

	/**
	 * A bool value, or {@code fallback} if absent. @throws ValueTypeException if it is
	 * not a bool
	 */
	public boolean getBoolean(String key, boolean fallback) {
		Boolean value = typed(key, Boolean.class, "a bool");
		return (value != null) ? value : fallback;
	}

	/**
	 * An array value, or null if absent. @throws ValueTypeException if it is not an array
	 */
	@SuppressWarnings("unchecked")
	public @Nullable List<@Nullable Object> getList(String key) {
		return typed(key, List.class, "an array");
	}

	/**
	 * A map value with its keys as text (as js2p sees them), or null if absent.
	 * @throws ValueTypeException if it is not a map
	 */
	public @Nullable Map<String, @Nullable Object> getMap(String key) {
		Map<?, ?> map = typed(key, Map.class, "a map");
		if (map == null) {
			return null;
		}
		Map<String, @Nullable Object> result = new LinkedHashMap<>();
		map.forEach((k, v) -> result.put(String.valueOf(k), v));
		return java.util.Collections.unmodifiableMap(result);
	}

	/** Who wrote a key and when, or null if absent. */
	public @Nullable Metatuple meta(String key) {
		return engine().replica().meta(SyncKey.of(requireKey(key)));
	}

	/** {@link #meta(String)} with a key given as bytes. */
	public @Nullable Metatuple meta(byte[] key) {
		return engine().replica().meta(SyncKey.copyOf(requireKey(key)));
	}

	public boolean containsKey(String key) {
		return engine().replica().containsKey(SyncKey.of(requireKey(key)));
	}

	/** {@link #containsKey(String)} with a key given as bytes. */
	public boolean containsKey(byte[] key) {
		return engine().replica().containsKey(SyncKey.copyOf(requireKey(key)));
	}

	public int size() {
		return engine().replica().size();
	}

	/** The keys as text, a snapshot (safe to iterate while the map changes). */
	public List<String> keys() {
		return engine().replica().keys();
	}

	/** The keys as bytes, a snapshot. */
	public List<byte[]> rawKeys() {
		return engine().replica().rawKeys();
	}

	/** The values, a snapshot. */
	public List<Object> values() {
		return engine().replica().values();
	}

	/** Keys, values and metadata, a snapshot. */
	public List<SyncEntry> items() {
		return engine().replica().items();
	}

	/**
	 * Whether a peer's full state has been received: true once, after this node connected
	 * to a peer, 300 ms passed without a state entry while a peer was connected (the
	 * protocol has no end marker). False before any peer.
	 */
	public boolean initialSyncComplete() {
		return engine().initialSyncComplete();
	}

	/**
	 * Dictionary counters; {@link #stats()} has the mesh's. Never blocks. After
	 * {@link #close()} the last values are kept and a restart carries them on (counters
	 * never go back to zero); before the first start all are zero.
	 */
	public SyncStats syncStats() {
		Run run = this.run;
		return (run != null) ? run.stats() : NO_STATS;
	}

	// ------------------------------------------------------------------ writes

	/**
	 * Stores a value and broadcasts it to the mesh.
	 * @throws LeaseHeldException if another node leases the key (nothing changes)
	 * @throws WriteConflictException if peers would not take the write (nothing changes)
	 * @throws IllegalArgumentException if the value is null or not a msgpack type
	 */
	public void set(String key, Object value) {
		setKey(SyncKey.of(requireKey(key)), value);
	}

	/** {@link #set(String, Object)} with a key given as bytes. */
	public void set(byte[] key, Object value) {
		setKey(SyncKey.copyOf(requireKey(key)), value);
	}

	private void setKey(SyncKey key, Object value) {
		byte[] encoded = encodeValue(value);
		SyncEngine engine = engine();
		call(() -> {
			engine.set(key, encoded);
			return null;
		});
	}

	/**
	 * {@link #set(String, Object)} without waiting: the future completes once the value
	 * is stored and broadcast, or fails with a {@link WriteRejectedException} (nothing
	 * changed). Writes from one thread are applied in call order. The future completes on
	 * the node loop, so callbacks attached to it must not block; callable from listeners.
	 * @throws IllegalArgumentException at once if the value is null or not a msgpack type
	 */
	public CompletableFuture<Void> setAsync(String key, Object value) {
		SyncKey syncKey = SyncKey.of(requireKey(key));
		byte[] encoded = encodeValue(value);
		SyncEngine engine = engine();
		return submit(() -> {
			engine.set(syncKey, encoded);
			return null;
		});
	}

	/**
	 * {@link #del(String)} without waiting; see {@link #setAsync} for how the future
	 * completes.
	 */
	public CompletableFuture<Void> delAsync(String key) {
		SyncKey syncKey = SyncKey.of(requireKey(key));
		SyncEngine engine = engine();
		return submit(() -> {
			engine.delete(syncKey);
			return null;
		});
	}

	/** {@link #applyDelta} without waiting; the future holds the merged map. */
	public CompletableFuture<Map<Object, @Nullable Object>> applyDeltaAsync(String key, Map<String, ?> delta) {
		SyncKey syncKey = SyncKey.of(requireKey(key));
		Objects.requireNonNull(delta, "'delta' must not be null");
		Map<String, ?> copy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(delta));
		Msgpack.encode(copy);
		SyncEngine engine = engine();
		return submit(() -> java.util.Collections.unmodifiableMap(engine.applyDelta(syncKey, copy)));
	}

	/**
	 * Sets every entry, or none: if any entry is refused ({@link LeaseHeldException},
	 * {@link WriteConflictException}), it is thrown and nothing changes.
	 */
	public void update(Map<String, ?> entries) {
		Objects.requireNonNull(entries, "'entries' must not be null");
		Map<SyncKey, byte[]> encoded = new LinkedHashMap<>();
		entries.forEach((key, value) -> encoded.put(SyncKey.of(requireKey(key)), encodeValue(value)));
		SyncEngine engine = engine();
		call(() -> {
			engine.update(encoded);
			return null;
		});
	}

	/**
	 * Deletes a key and (per the {@link DeletePolicy}) broadcasts the delete. Deleting an
	 * absent key does nothing.
	 * @throws LeaseHeldException if another node leases the key (nothing changes)
	 * @throws WriteConflictException if peers would not take the delete (nothing changes)
	 */
	public void del(String key) {
		delete(SyncKey.of(requireKey(key)));
	}

	/** {@link #del(String)} with a key given as bytes. */
	public void del(byte[] key) {
		delete(SyncKey.copyOf(requireKey(key)));
	}

	/**
	 * Deletes a key and returns its value.
	 * @throws NoSuchElementException if the key is absent
	 */
	public Object pop(String key) {
		SyncEntry removed = delete(SyncKey.of(requireKey(key)));
		if (removed == null) {
			throw new NoSuchElementException("key '" + key + "' is absent");
		}
		return removed.value();
	}

	/** {@link #pop(String)} with a key given as bytes. */
	public Object pop(byte[] key) {
		SyncEntry removed = delete(SyncKey.copyOf(requireKey(key)));
		if (removed == null) {
			throw new NoSuchElementException("key " + java.util.HexFormat.of().formatHex(key) + " (hex) is absent");
		}
		return removed.value();
	}

	/** Deletes a key and returns its value, or {@code fallback} if it was absent. */
	public @Nullable Object pop(String key, @Nullable Object fallback) {
		SyncEntry removed = delete(SyncKey.of(requireKey(key)));
		return (removed != null) ? removed.value() : fallback;
	}

	/** {@link #pop(String, Object)} with a key given as bytes. */
	public @Nullable Object pop(byte[] key, @Nullable Object fallback) {
		SyncEntry removed = delete(SyncKey.copyOf(requireKey(key)));
		return (removed != null) ? removed.value() : fallback;
	}

	/**
	 * Deletes some entry this node may delete and returns it.
	 * @throws NoSuchElementException if the dictionary is empty
	 * @throws LeaseHeldException if every key is leased by other nodes
	 */
	public SyncEntry popitem() {
		SyncEngine engine = engine();
		return call(engine::popItem);
	}

	/**
	 * Merges {@code delta} into the map stored at {@code key} (shallow; an absent key
	 * starts as an empty map) and broadcasts the delta (PROTOCOL.md §7.3).
	 * @return the merged map
	 * @throws ValueTypeException if the stored value is not a map (nothing changes)
	 * @throws LeaseHeldException if another node leases the key (nothing changes)
	 * @throws WriteConflictException if peers would not take the delta (nothing changes)
	 */
	public Map<Object, @Nullable Object> applyDelta(String key, Map<String, ?> delta) {
		return applyDelta(SyncKey.of(requireKey(key)), delta);
	}

	/** {@link #applyDelta(String, Map)} with a key given as bytes. */
	public Map<Object, @Nullable Object> applyDelta(byte[] key, Map<String, ?> delta) {
		return applyDelta(SyncKey.copyOf(requireKey(key)), delta);
	}

	private Map<Object, @Nullable Object> applyDelta(SyncKey syncKey, Map<String, ?> delta) {
		Objects.requireNonNull(delta, "'delta' must not be null");
		Map<String, ?> copy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(delta));
		Msgpack.encode(copy); // fails fast, on the caller, for values msgpack cannot hold
		SyncEngine engine = engine();
		return java.util.Collections.unmodifiableMap(call(() -> engine.applyDelta(syncKey, copy)));
	}

	// ------------------------------------------------------------------ listeners

	/**
	 * Adds a listener for changes; see {@link SyncListener} for threading. May be called
	 * before {@link #start()}, so that the first state transfer is seen too.
	 */
	public void addSyncListener(SyncListener listener) {
		this.listeners.add(Objects.requireNonNull(listener, "'listener' must not be null"));
	}

	public void removeSyncListener(SyncListener listener) {
		this.listeners.remove(listener);
	}

	// ------------------------------------------------------------------ internals

	private @Nullable SyncEntry delete(SyncKey key) {
		SyncEngine engine = engine();
		return call(() -> engine.delete(key));
	}

	private SyncEngine engine() {
		runningNode();
		return Objects.requireNonNull(this.run).engine();
	}

	private <T> @Nullable T typed(String key, Class<T> type, String expected) {
		Object value = get(key);
		if (value == null) {
			return null;
		}
		if (!type.isInstance(value)) {
			throw new ValueTypeException(key, expected, MessageCodec.describe(value));
		}
		return type.cast(value);
	}

	private static byte[] encodeValue(@Nullable Object value) {
		if (value == null) {
			throw new IllegalArgumentException("value: null (use del(key) to delete a key)");
		}
		return Msgpack.encode(value);
	}

	private static <K> K requireKey(K key) {
		return Objects.requireNonNull(key, "'key' must not be null");
	}

	/**
	 * One run's dictionary, with the counters of the runs before it (a restart starts a
	 * new dictionary).
	 */
	private record Run(SyncEngine engine, SyncStats before) {

		SyncStats stats() {
			return this.engine.stats().plusCountersOf(this.before);
		}

	}

}
