package io.syncsocket.internal.wire;

import java.util.Objects;

/**
 * One value that is already msgpack-encoded; {@link Msgpack} writes its bytes verbatim.
 * This is how stored values and relayed packets keep the exact encoding they arrived
 * with.
 *
 * @param bytes exactly one complete msgpack value (not copied: treat as immutable)
 */
public record RawMsgpack(byte[] bytes) {

	public RawMsgpack {
		Objects.requireNonNull(bytes, "'bytes' must not be null");
	}

}
