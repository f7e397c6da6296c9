package io.syncsocket;

import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.sync.Replica;
import io.syncsocket.internal.sync.SyncEngine;
import io.syncsocket.internal.sync.SyncKey;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import org.jspecify.annotations.Nullable;

/**
 * The dictionary behind a {@link SyncSocket}: each run's {@link SyncEngine}, the counters
 * carried across restarts, and the socket's calls checked and encoded on the caller's
 * thread, then run as engine calls under the node lock.
 *
 * <p>
 * Thread-safe: reads go to the current run's {@link Replica} without a lock; writes go
 * through the socket's {@link SocketLifecycle}, which also refuses every call while the
 * socket is not running.
 */
final class SyncDictionary {

	private static final SyncStats NO_STATS = SyncStats.builder().build();

	private final SyncOptions options;

	private final SocketLifecycle lifecycle;

	private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();

	/** The dictionary of the current (or last) run; each start makes a new one. */
	private volatile @Nullable Run run;

	SyncDictionary(SyncOptions options, SocketLifecycle lifecycle) {
		this.options = options;
		this.lifecycle = lifecycle;
	}

	/** A new run's engine: called by the socket's start, before any link is accepted. */
	SyncEngine newRun(MeshNode node) {
		Run previous = this.run;
		SyncEngine created = new SyncEngine(node, this.options.leasing(), this.options.deletePolicy(),
				this.options.tombstoneRetention(), this.options.maxTombstones(), this.options.antiEntropyInterval(),
				this.listeners, SyncEvent::new);
		this.run = new Run(created, (previous != null) ? previous.stats() : NO_STATS);
		return created;
	}

	/** The live (thread-safe) list the engines call. */
	List<SyncListener> listeners() {
		return this.listeners;
	}

	/** Counters of every run so far; zero before the first. Never blocks. */
	SyncStats stats() {
		Run run = this.run;
		return (run != null) ? run.stats() : NO_STATS;
	}

	/**
	 * The running socket's dictionary. Never blocks.
	 * @throws SocketClosedException if the socket is not running
	 */
	Replica replica() {
		return engine().replica();
	}

	boolean initialSyncComplete() {
		return engine().initialSyncComplete();
	}

	// ------------------------------------------------------------------ writes

	void set(SyncKey key, Object value) {
		byte[] encoded = encodeValue(value);
		SyncEngine engine = engine();
		this.lifecycle.call(() -> {
			engine.set(key, encoded);
			return null;
		});
	}

	CompletableFuture<Void> setAsync(SyncKey key, Object value) {
		byte[] encoded = encodeValue(value);
		SyncEngine engine = engine();
		return this.lifecycle.submit(() -> {
			engine.set(key, encoded);
			return null;
		});
	}

	void update(Map<String, ?> entries) {
		Objects.requireNonNull(entries, "'entries' must not be null");
		Map<SyncKey, byte[]> encoded = new LinkedHashMap<>();
		entries.forEach((key, value) -> encoded.put(key(key), encodeValue(value)));
		SyncEngine engine = engine();
		this.lifecycle.call(() -> {
			engine.update(encoded);
			return null;
		});
	}

	/** The removed entry, or null if the key was absent. */
	@Nullable SyncEntry delete(SyncKey key) {
		SyncEngine engine = engine();
		return this.lifecycle.call(() -> engine.delete(key));
	}

	CompletableFuture<Void> deleteAsync(SyncKey key) {
		SyncEngine engine = engine();
		return this.lifecycle.submit(() -> {
			engine.delete(key);
			return null;
		});
	}

	/**
	 * The removed entry's value.
	 * @throws NoSuchElementException if the key was absent
	 */
	Object popOrThrow(SyncKey key, String described) {
		SyncEntry removed = delete(key);
		if (removed == null) {
			throw new NoSuchElementException("key " + described + " is absent");
		}
		return removed.value();
	}

	/** The removed entry's value, or {@code fallback} if the key was absent. */
	@Nullable Object pop(SyncKey key, @Nullable Object fallback) {
		SyncEntry removed = delete(key);
		return (removed != null) ? removed.value() : fallback;
	}

	SyncEntry popItem() {
		SyncEngine engine = engine();
		return this.lifecycle.call(engine::popItem);
	}

	Map<Object, @Nullable Object> applyDelta(SyncKey key, Map<String, ?> delta) {
		Map<String, ?> copy = checkedCopy(delta);
		SyncEngine engine = engine();
		return Collections.unmodifiableMap(this.lifecycle.call(() -> engine.applyDelta(key, copy)));
	}

	CompletableFuture<Map<Object, @Nullable Object>> applyDeltaAsync(SyncKey key, Map<String, ?> delta) {
		Map<String, ?> copy = checkedCopy(delta);
		SyncEngine engine = engine();
		return this.lifecycle.submit(() -> Collections.unmodifiableMap(engine.applyDelta(key, copy)));
	}

	private SyncEngine engine() {
		this.lifecycle.running();
		return Objects.requireNonNull(this.run).engine();
	}

	// ------------------------------------------------------------------ arguments

	static SyncKey key(String key) {
		return SyncKey.of(Objects.requireNonNull(key, "'key' must not be null"));
	}

	/** A key given as bytes (copied: the caller may change its array). */
	static SyncKey key(byte[] key) {
		return SyncKey.copyOf(Objects.requireNonNull(key, "'key' must not be null"));
	}

	/** A byte key as absence messages show it. */
	static String describe(byte[] key) {
		return HexFormat.of().formatHex(key) + " (hex)";
	}

	/**
	 * A value read back as the type a typed getter promises, or null if absent.
	 * @throws ValueTypeException if it is of another type
	 */
	static <T> @Nullable T typed(String key, @Nullable Object value, Class<T> type, String expected) {
		if (value == null) {
			return null;
		}
		if (!type.isInstance(value)) {
			throw new ValueTypeException(key, expected, MessageCodec.describe(value));
		}
		return type.cast(value);
	}

	/** A map value with its keys as text (as js2p sees them), or null if absent. */
	static @Nullable Map<String, @Nullable Object> withTextKeys(@Nullable Map<?, ?> map) {
		if (map == null) {
			return null;
		}
		Map<String, @Nullable Object> result = new LinkedHashMap<>();
		map.forEach((k, v) -> result.put(String.valueOf(k), v));
		return Collections.unmodifiableMap(result);
	}

	private static byte[] encodeValue(@Nullable Object value) {
		if (value == null) {
			throw new IllegalArgumentException("value: null (use del(key) to delete a key)");
		}
		return Msgpack.encode(value);
	}

	/** A copy of a delta, checked on the caller for values msgpack cannot hold. */
	private static Map<String, ?> checkedCopy(Map<String, ?> delta) {
		Objects.requireNonNull(delta, "'delta' must not be null");
		Map<String, ?> copy = Collections.unmodifiableMap(new LinkedHashMap<>(delta));
		Msgpack.encode(copy);
		return copy;
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
