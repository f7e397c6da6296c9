package io.syncsocket;

import java.util.Objects;

/**
 * One key of a {@link SyncSocket} with its value and metadata: an immutable snapshot.
 *
 * @param key the key as text
 * @param value the value (see {@link SyncSocket} for the Java types)
 * @param meta who wrote it and when
 */
public record SyncEntry(String key, Object value, Metatuple meta) {

	public SyncEntry {
		Objects.requireNonNull(key, "'key' must not be null");
		Objects.requireNonNull(value, "'value' must not be null");
		Objects.requireNonNull(meta, "'meta' must not be null");
	}

}
