package io.syncsocket.internal.sync;

import java.util.Map;
import java.util.function.Predicate;

import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshExtension;
import org.jspecify.annotations.Nullable;

/**
 * The sync layer's messages (PROTOCOL.md §7), parsed once by {@link SyncEngine#claim}
 * into records that are valid by construction; the peers a broadcast is relayed to are
 * decided with the same rule as for the node's own broadcasts.
 */
final class SyncMessages {

	private SyncMessages() {
	}

	/**
	 * A store: a live change (3 packets; owner and time are the sender's) or a full-state
	 * entry (5 packets). A null value is a delete.
	 */
	record Store(SyncKey key, byte @Nullable [] value, String owner, long timestamp, boolean fullState,
			Predicate<Connection> recipients) implements MeshExtension.Claimed {
	}

	/** A delta merged into the map at a key, stamped with the sender's id and time. */
	record Delta(SyncKey key, Map<?, ?> delta, String owner, long timestamp) implements MeshExtension.Claimed {

		@Override
		public Predicate<Connection> recipients() {
			return Connection.ANY;
		}

	}

	/** A peer's anti-entropy digest (syncsocket only). */
	record Digest(long digest) implements MeshExtension.Claimed {

		@Override
		public Predicate<Connection> recipients() {
			return Connection.ANY;
		}

	}

}
