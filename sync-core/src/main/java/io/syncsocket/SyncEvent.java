package io.syncsocket;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

import io.syncsocket.internal.wire.Msgpack;
import org.jspecify.annotations.Nullable;

/**
 * A change to one key of a {@link SyncSocket}, as delivered to {@link SyncListener}s.
 * Immutable; the value is decoded from its msgpack form on first access.
 */
public final class SyncEvent {

	/** What happened to the key. */
	public enum Type {

		/** The key was set, or a delta was merged into it. */
		UPDATE,

		/** The key was deleted. */
		DELETE

	}

	/** Where the change came from. */
	public enum Origin {

		/** A call on this socket. */
		LOCAL,

		/** A broadcast from another node (set, delta or delete). */
		REMOTE,

		/** A peer's full-state transfer after a handshake or a {@code request "*"}. */
		STATE_TRANSFER

	}

	private final Type type;

	private final byte[] key;

	private final byte @Nullable [] value;

	private final Metatuple meta;

	private final Origin origin;

	private volatile @Nullable Object decoded;

	private volatile boolean isDecoded;

	/**
	 * For the sync layer (through the factory {@link SyncSocket} hands it): {@code key}
	 * and {@code value} (msgpack) are not copied and must not change.
	 */
	SyncEvent(Type type, byte[] key, byte @Nullable [] value, Metatuple meta, Origin origin) {
		this.type = Objects.requireNonNull(type, "'type' must not be null");
		this.key = Objects.requireNonNull(key, "'key' must not be null");
		this.value = value;
		this.meta = Objects.requireNonNull(meta, "'meta' must not be null");
		this.origin = Objects.requireNonNull(origin, "'origin' must not be null");
	}

	public Type type() {
		return this.type;
	}

	/** The key as text (its UTF-8 decoding). */
	public String key() {
		return new String(this.key, StandardCharsets.UTF_8);
	}

	/** The key's bytes (a copy). */
	public byte[] keyBytes() {
		return this.key.clone();
	}

	/**
	 * The new value (for a delta, the merged map); null for a delete. See
	 * {@link SyncSocket} for the Java types of values.
	 */
	public @Nullable Object value() {
		if (this.value == null) {
			return null;
		}
		if (!this.isDecoded) {
			this.decoded = Msgpack.decode(this.value);
			this.isDecoded = true;
		}
		Object result = this.decoded;
		return (result instanceof byte[] bytes) ? bytes.clone() : result;
	}

	/** Owner and timestamp of the change (for a delete: who deleted it, and when). */
	public Metatuple meta() {
		return this.meta;
	}

	public Origin origin() {
		return this.origin;
	}

	@Override
	public String toString() {
		return "SyncEvent[" + this.type + " '" + key() + "' by " + this.meta.owner() + " at " + this.meta.timestamp()
				+ ", " + this.origin + "]";
	}

}
