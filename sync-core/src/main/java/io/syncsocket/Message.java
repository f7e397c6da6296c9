package io.syncsocket;

import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A user message received from the mesh: a broadcast sent with {@link MeshSocket#send} or
 * a whisper sent with {@link MeshSocket#whisper} (by this library, js2p or py2p).
 *
 * <p>
 * Packets are plain Java values: {@code String} (msgpack str), {@code byte[]} (bin),
 * {@code Long} (integers), {@code Double}/{@code Float}, {@code Boolean}, {@code null},
 * {@code List} and {@code Map}. Immutable, except that {@code byte[]} packets are shared:
 * do not modify them.
 *
 * @param sender the node id of the author
 * @param time the author's timestamp, unix seconds
 * @param whisper true for a whisper (sent to this node only), false for a broadcast
 * @param packets the payload after the sub-flag
 * @param id the message id: SHA-256 of the body as the author encoded it, as hex
 */
public record Message(String sender, long time, boolean whisper, List<@Nullable Object> packets, String id) {

	public Message {
		Objects.requireNonNull(sender, "'sender' must not be null");
		Objects.requireNonNull(packets, "'packets' must not be null");
		Objects.requireNonNull(id, "'id' must not be null");
	}

	static String hexId(byte[] blob) {
		return HexFormat.of().formatHex(blob, 0, 32);
	}

}
