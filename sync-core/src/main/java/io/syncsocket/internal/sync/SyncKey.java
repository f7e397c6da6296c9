package io.syncsocket.internal.sync;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A dictionary key: its UTF-8 bytes. A str key and a bin key with the same bytes are the
 * same key (PROTOCOL.md §7.2). Immutable: the array is never modified after construction.
 */
public final class SyncKey {

	private final byte[] bytes;

	private final int hash;

	private SyncKey(byte[] bytes) {
		this.bytes = bytes;
		this.hash = Arrays.hashCode(bytes);
	}

	public static SyncKey of(String text) {
		return new SyncKey(text.getBytes(StandardCharsets.UTF_8));
	}

	/** A key from caller-owned bytes (copied). */
	public static SyncKey copyOf(byte[] bytes) {
		return new SyncKey(bytes.clone());
	}

	/**
	 * A key that takes ownership of {@code bytes} (decoded from the wire, never shared).
	 */
	static SyncKey wrap(byte[] bytes) {
		return new SyncKey(bytes);
	}

	/** The bytes; callers must not modify them. */
	byte[] bytes() {
		return this.bytes;
	}

	public String text() {
		return new String(this.bytes, StandardCharsets.UTF_8);
	}

	@Override
	public boolean equals(Object other) {
		return (other instanceof SyncKey that) && this.hash == that.hash && Arrays.equals(this.bytes, that.bytes);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	@Override
	public String toString() {
		return text();
	}

}
