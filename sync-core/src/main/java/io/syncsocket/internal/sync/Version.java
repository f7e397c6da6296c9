package io.syncsocket.internal.sync;

import io.syncsocket.internal.wire.RawMsgpack;
import org.jspecify.annotations.Nullable;

/**
 * One version of a key: its msgpack value (null for a deletion, i.e. a tombstone), owner
 * and timestamp. Stored entries and tombstones are both versions. Immutable.
 */
final class Version {

	/** The msgpack encoding of nil: a nil store is a delete. */
	static final byte NIL = (byte) 0xc0;

	/** Nil as a store's value packet, for a tombstone sent on or a delete. */
	static final RawMsgpack NIL_PACKET = new RawMsgpack(new byte[] { NIL });

	final byte @Nullable [] value;

	final String owner;

	final long timestamp;

	/**
	 * Written by this process: a version that carries this node's id but arrived from a
	 * peer was written by an earlier process under the same id, which may have sent other
	 * changes at that second that peers remember as seen.
	 */
	final boolean local;

	Version(byte @Nullable [] value, String owner, long timestamp) {
		this(value, owner, timestamp, false);
	}

	Version(byte @Nullable [] value, String owner, long timestamp, boolean local) {
		this.value = value;
		this.owner = owner;
		this.timestamp = timestamp;
		this.local = local;
	}

	boolean isTombstone() {
		return this.value == null;
	}

	static boolean isNil(byte[] msgpack) {
		return msgpack.length == 1 && msgpack[0] == NIL;
	}

}
