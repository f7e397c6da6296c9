package io.syncsocket;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.sync.SyncEngine;
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

	private final SyncDictionary dictionary;

	/** A socket with the given options; call {@link #start()} to bind. */
	public SyncSocket(SyncOptions options) {
		super(Objects.requireNonNull(options, "'options' must not be null").mesh(),
				options.mesh().protocol().withSubnetSuffix(options.leasing().subnetSuffix()));
		this.syncOptions = options;
		this.dictionary = new SyncDictionary(options, lifecycle());
	}

	@Override
	SyncEngine extension(MeshNode node) {
		return this.dictionary.newRun(node);
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
		return this.dictionary.replica().value(SyncDictionary.key(key));
	}

	/** The value of a key given as bytes, or null if absent. */
	public @Nullable Object get(byte[] key) {
		return this.dictionary.replica().value(SyncDictionary.key(key));
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
	 * A str value, or null if absent.
	 * @throws ValueTypeException if the value is not a str
	 */
	public @Nullable String getString(String key) {
		return SyncDictionary.typed(key, get(key), String.class, "a str");
	}

	/**
	 * A bin value, or null if absent.
	 * @throws ValueTypeException if the value is not a bin
	 */
	public byte @Nullable [] getBytes(String key) {
		return SyncDictionary.typed(key, get(key), byte[].class, "a bin");
	}

	/**
	 * An integer value, or {@code fallback} if absent.
	 * @throws ValueTypeException if it is not an integer
	 */
	public long getLong(String key, long fallback) {
		Long value = SyncDictionary.typed(key, get(key), Long.class, "an integer that fits a long");
		return (value != null) ? value : fallback;
	}

	/** A number as a double (integers widened), or {@code fallback} if absent. */
	public double getDouble(String key, double fallback) {
		Number value = SyncDictionary.typed(key, get(key), Number.class, "a number");
		return (value != null) ? value.doubleValue() : fallback;
	}

	/**
	 * A bool value, or {@code fallback} if absent.
	 * @throws ValueTypeException if it is not a bool
	 */
	public boolean getBoolean(String key, boolean fallback) {
		Boolean value = SyncDictionary.typed(key, get(key), Boolean.class, "a bool");
		return (value != null) ? value : fallback;
	}

	/**
	 * An array value, or null if absent.
	 * @throws ValueTypeException if it is not an array
	 */
	@SuppressWarnings("unchecked")
	public @Nullable List<@Nullable Object> getList(String key) {
		return SyncDictionary.typed(key, get(key), List.class, "an array");
	}

	/**
	 * A map value with its keys as text (as js2p sees them), or null if absent.
	 * @throws ValueTypeException if it is not a map
	 */
	public @Nullable Map<String, @Nullable Object> getMap(String key) {
		return SyncDictionary.withTextKeys(SyncDictionary.typed(key, get(key), Map.class, "a map"));
	}

	/** Who wrote a key and when, or null if absent. */
	public @Nullable Metatuple meta(String key) {
		return this.dictionary.replica().meta(SyncDictionary.key(key));
	}

	/** {@link #meta(String)} with a key given as bytes. */
	public @Nullable Metatuple meta(byte[] key) {
		return this.dictionary.replica().meta(SyncDictionary.key(key));
	}

	public boolean containsKey(String key) {
		return this.dictionary.replica().containsKey(SyncDictionary.key(key));
	}

	/** {@link #containsKey(String)} with a key given as bytes. */
	public boolean containsKey(byte[] key) {
		return this.dictionary.replica().containsKey(SyncDictionary.key(key));
	}

	public int size() {
		return this.dictionary.replica().size();
	}

	/** The keys as text, a snapshot (safe to iterate while the map changes). */
	public List<String> keys() {
		return this.dictionary.replica().keys();
	}

	/** The keys as bytes, a snapshot. */
	public List<byte[]> rawKeys() {
		return this.dictionary.replica().rawKeys();
	}

	/** The values, a snapshot. */
	public List<Object> values() {
		return this.dictionary.replica().values();
	}

	/** Keys, values and metadata, a snapshot. */
	public List<SyncEntry> items() {
		return this.dictionary.replica().items();
	}

	/**
	 * Whether a peer's full state has been received: true once, after this node connected
	 * to a peer, 300 ms passed without a state entry while a peer was connected (the
	 * protocol has no end marker). False before any peer.
	 */
	public boolean initialSyncComplete() {
		return this.dictionary.initialSyncComplete();
	}

	/**
	 * Dictionary counters; {@link #stats()} has the mesh's. Never blocks. After
	 * {@link #close()} the last values are kept and a restart carries them on (counters
	 * never go back to zero); before the first start all are zero.
	 */
	public SyncStats syncStats() {
		return this.dictionary.stats();
	}

	// ------------------------------------------------------------------ writes

	/**
	 * Stores a value and broadcasts it to the mesh.
	 * @throws LeaseHeldException if another node leases the key (nothing changes)
	 * @throws WriteConflictException if peers would not take the write (nothing changes)
	 * @throws IllegalArgumentException if the value is null or not a msgpack type
	 */
	public void set(String key, Object value) {
		this.dictionary.set(SyncDictionary.key(key), value);
	}

	/** {@link #set(String, Object)} with a key given as bytes. */
	public void set(byte[] key, Object value) {
		this.dictionary.set(SyncDictionary.key(key), value);
	}

	/**
	 * {@link #set(String, Object)} without waiting: the future completes once the value
	 * is stored and broadcast, or fails with a {@link WriteRejectedException} (nothing
	 * changed). Writes from one thread are applied in call order. The future completes on
	 * the node loop, so callbacks attached to it must not block; callable from listeners.
	 * @throws IllegalArgumentException at once if the value is null or not a msgpack type
	 */
	public CompletableFuture<Void> setAsync(String key, Object value) {
		return this.dictionary.setAsync(SyncDictionary.key(key), value);
	}

	/**
	 * {@link #del(String)} without waiting; see {@link #setAsync} for how the future
	 * completes.
	 */
	public CompletableFuture<Void> delAsync(String key) {
		return this.dictionary.deleteAsync(SyncDictionary.key(key));
	}

	/** {@link #applyDelta} without waiting; the future holds the merged map. */
	public CompletableFuture<Map<Object, @Nullable Object>> applyDeltaAsync(String key, Map<String, ?> delta) {
		return this.dictionary.applyDeltaAsync(SyncDictionary.key(key), delta);
	}

	/**
	 * Sets every entry, or none: if any entry is refused ({@link LeaseHeldException},
	 * {@link WriteConflictException}), it is thrown and nothing changes.
	 */
	public void update(Map<String, ?> entries) {
		this.dictionary.update(entries);
	}

	/**
	 * Deletes a key and (per the {@link DeletePolicy}) broadcasts the delete. Deleting an
	 * absent key does nothing.
	 * @throws LeaseHeldException if another node leases the key (nothing changes)
	 * @throws WriteConflictException if peers would not take the delete (nothing changes)
	 */
	public void del(String key) {
		this.dictionary.delete(SyncDictionary.key(key));
	}

	/** {@link #del(String)} with a key given as bytes. */
	public void del(byte[] key) {
		this.dictionary.delete(SyncDictionary.key(key));
	}

	/**
	 * Deletes a key and returns its value.
	 * @throws NoSuchElementException if the key is absent
	 */
	public Object pop(String key) {
		return this.dictionary.popOrThrow(SyncDictionary.key(key), "'" + key + "'");
	}

	/** {@link #pop(String)} with a key given as bytes. */
	public Object pop(byte[] key) {
		return this.dictionary.popOrThrow(SyncDictionary.key(key), SyncDictionary.describe(key));
	}

	/** Deletes a key and returns its value, or {@code fallback} if it was absent. */
	public @Nullable Object pop(String key, @Nullable Object fallback) {
		return this.dictionary.pop(SyncDictionary.key(key), fallback);
	}

	/** {@link #pop(String, Object)} with a key given as bytes. */
	public @Nullable Object pop(byte[] key, @Nullable Object fallback) {
		return this.dictionary.pop(SyncDictionary.key(key), fallback);
	}

	/**
	 * Deletes some entry this node may delete and returns it.
	 * @throws NoSuchElementException if the dictionary is empty
	 * @throws LeaseHeldException if every key is leased by other nodes
	 */
	public SyncEntry popitem() {
		return this.dictionary.popItem();
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
		return this.dictionary.applyDelta(SyncDictionary.key(key), delta);
	}

	/** {@link #applyDelta(String, Map)} with a key given as bytes. */
	public Map<Object, @Nullable Object> applyDelta(byte[] key, Map<String, ?> delta) {
		return this.dictionary.applyDelta(SyncDictionary.key(key), delta);
	}

	// ------------------------------------------------------------------ listeners

	/**
	 * Adds a listener for changes; see {@link SyncListener} for threading. May be called
	 * before {@link #start()}, so that the first state transfer is seen too.
	 */
	public void addSyncListener(SyncListener listener) {
		this.dictionary.listeners().add(Objects.requireNonNull(listener, "'listener' must not be null"));
	}

	public void removeSyncListener(SyncListener listener) {
		this.dictionary.listeners().remove(listener);
	}

}
