package io.syncsocket.internal.sync;

import org.jspecify.annotations.Nullable;

/**
 * One version of a key: its msgpack value (null for a deletion, i.e. a tombstone), owner and
 * timestamp. Stored entries and tombstones are both versions. Immutable.
 */
final class Version {

	/** The msgpack encoding of nil: a nil store is a delete. */
	static final byte NIL = (byte) 0xc0;

	final byte @Nullable [] value;

	final String owner;

	final long timestamp;

	Version(byte @Nullable [] value, String owner, long timestamp) {
		this.value = value;
		this.owner = owner;
		this.timestamp = timestamp;
	}

	boolean isTombstone() {
		return this.value == null;
	}

	static boolean isNil(byte[] msgpack) {
		return msgpack.length == 1 && msgpack[0] == NIL;
	}

}
