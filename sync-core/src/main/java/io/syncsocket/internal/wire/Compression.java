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

	/**
	 * The lower-case name used in options and properties ({@code zlib}, {@code gzip}).
	 */
	public String optionName() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * The method with this option name. @throws IllegalArgumentException for unknown
	 * names
	 */
	public static Compression forName(String name) {
		for (Compression compression : values()) {
			if (compression.optionName().equalsIgnoreCase(name.trim())) {
				return compression;
			}
		}
		throw new IllegalArgumentException("compression: '" + name + "' (expected: zlib or gzip)");
	}

	/** Protocol ids of the named methods, in order. */
	public static List<Integer> ids(List<String> names) {
		return names.stream().map((name) -> forName(name).id).toList();
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
	 * The first method of {@code own} (in its order) that the peer also listed; null to
	 * send uncompressed. Only methods this node implements are ever chosen.
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

	/** The name a {@code Peer} shows for a compression method (null: none). */
	public static @Nullable String displayName(@Nullable Compression compression) {
		return (compression != null) ? compression.name().toLowerCase(java.util.Locale.ROOT) : null;
	}

}
