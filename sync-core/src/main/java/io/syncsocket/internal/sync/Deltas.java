package io.syncsocket.internal.sync;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.syncsocket.ValueTypeException;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import org.jspecify.annotations.Nullable;

/** Merging deltas into map values, local and remote alike (PROTOCOL.md §7.3). */
final class Deltas {

	private Deltas() {
	}

	/**
	 * The stored map a delta is merged into: a copy, or an empty map for an absent key.
	 */
	static Map<Object, @Nullable Object> mergeable(SyncKey key, @Nullable Version current) {
		if (current == null) {
			return new LinkedHashMap<>();
		}
		Object value = Msgpack.decode(Objects.requireNonNull(current.value));
		if (!(value instanceof Map<?, ?> map)) {
			throw new ValueTypeException(key.text(), "a map", MessageCodec.describe(value));
		}
		return new LinkedHashMap<>(map);
	}

	/**
	 * Shallow merge, map keys compared as text as js2p does (PROTOCOL.md §7.3). A remote
	 * delta may carry a nil map key: it is kept as nil (its text is "null", js2p's
	 * property name for it).
	 */
	static void merge(Map<Object, @Nullable Object> target, Map<?, ?> delta) {
		for (Map.Entry<?, ?> entry : delta.entrySet()) {
			String text = keyText(entry.getKey());
			target.keySet().removeIf((existing) -> keyText(existing).equals(text));
			target.put(entry.getKey(), entry.getValue());
		}
	}

	private static String keyText(@Nullable Object key) {
		if (key instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		return String.valueOf(key);
	}

}
