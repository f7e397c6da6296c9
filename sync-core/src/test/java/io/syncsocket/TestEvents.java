package io.syncsocket;

import org.jspecify.annotations.Nullable;

/**
 * Makes {@link SyncEvent}s for tests that run the sync engine without a
 * {@link SyncSocket} (the constructor is not public).
 */
public final class TestEvents {

	private TestEvents() {
	}

	public static SyncEvent create(SyncEvent.Type type, byte[] key, byte @Nullable [] value, Metatuple meta,
			SyncEvent.Origin origin) {
		return new SyncEvent(type, key, value, meta, origin);
	}

}
