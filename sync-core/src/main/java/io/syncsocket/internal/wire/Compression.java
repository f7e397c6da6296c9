package io.syncsocket.internal.wire;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Compression methods this node can encode and decode, with their protocol ids
 * (PROTOCOL.md §4.3), and the per-link choice rule of §5.6.
 */
public enum Compression {

	/** RFC 1950 zlib, id 0x13: js2p's and our first preference. */
	ZLIB(0x13),

	/** RFC 1952 gzip, id 0x11. */
	GZIP(0x11);

	/** What this node advertises in its handshake, in order of preference. */
	public static final List<Integer> ADVERTISED = List.of(ZLIB.id, GZIP.id);

	private final int id;

	Compression(int id) {
		this.id = id;
	}

	public int id() {
		return this.id;
	}

	public static @Nullable Compression forId(long id) {
		for (Compression compression : values()) {
			if (compression.id == id) {
				return compression;
			}
		}
		return null;
	}

	/**
	 * The first method of {@code own} (in its order) that the peer also listed; null to send
	 * uncompressed. Only methods this node implements are ever chosen.
	 */
	public static @Nullable Compression choose(List<Integer> own, List<Integer> peer) {
		for (Integer id : own) {
			if (peer.contains(id)) {
				Compression compression = forId(id);
				if (compression != null) {
					return compression;
				}
			}
		}
		return null;
	}

}
