package io.syncsocket;

import java.util.Objects;

/**
 * Who last wrote a key and when: the metadata every node keeps per key (PROTOCOL.md
 * §7.1).
 *
 * @param owner the node id of the writer
 * @param timestamp unix time in whole seconds of the write (the message time)
 */
public record Metatuple(String owner, long timestamp) {

	public Metatuple {
		Objects.requireNonNull(owner, "'owner' must not be null");
	}

}
