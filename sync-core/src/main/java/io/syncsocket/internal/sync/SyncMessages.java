package io.syncsocket.internal.sync;

import java.util.Map;
import java.util.function.Predicate;

import io.syncsocket.DeletePolicy;
import io.syncsocket.LinkFault;
import io.syncsocket.Peer;
import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshExtension;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * The sync layer's messages (PROTOCOL.md §7), parsed once by {@link #parse} into records
 * that are valid by construction; the peers a broadcast is relayed to are decided with
 * the same rule as for the node's own broadcasts ({@link #storeRecipients}). Under the
 * node lock.
 */
final class SyncMessages {

	private static final Predicate<Connection> SYNCSOCKET_PEERS = (to) -> to.dialect() == Peer.Dialect.SYNCSOCKET;

	private static final Predicate<Connection> ALL_BUT_JS2P = (to) -> to.dialect() != Peer.Dialect.JS2P;

	private final Replica replica;

	private final DeletePolicy deletePolicy;

	/**
	 * @param replica interns the owner ids of parsed messages
	 * @param deletePolicy which peers a live delete goes to
	 */
	SyncMessages(Replica replica, DeletePolicy deletePolicy) {
		this.replica = replica;
		this.deletePolicy = deletePolicy;
	}

	/**
	 * A store, delta or digest as its record; null for a message of another layer.
	 * @throws WireFormatException if it is malformed (the link it came on is closed)
	 */
	MeshExtension.@Nullable Claimed parse(WireMessage message) {
		return switch (message.subFlag()) {
			case Flags.STORE -> parseStore(message);
			case Flags.DELTA -> parseDelta(message);
			case Flags.DIGEST -> parseDigest(message);
			default -> null;
		};
	}

	/**
	 * Which peers a store goes to, authored or relayed. Only syncsocket merges deletions
	 * of keys it may not hold: js2p and py2p drop the link on a nil store for an absent
	 * key, so a tombstone passed on after a state transfer goes to syncsocket peers only,
	 * and a live delete as the delete policy says.
	 */
	Predicate<Connection> storeRecipients(boolean delete, boolean fullState) {
		if (!delete) {
			return Connection.ANY;
		}
		if (fullState) {
			return SYNCSOCKET_PEERS;
		}
		return (this.deletePolicy == DeletePolicy.ALWAYS) ? Connection.ANY : ALL_BUT_JS2P;
	}

	private Store parseStore(WireMessage message) {
		int count = message.packetCount();
		if (count != 3 && count != 5) {
			throw invalid("store with " + count + " packets (expected: 3 or 5)");
		}
		SyncKey key = key(message, 1);
		byte[] raw = message.rawPacket(2);
		byte[] value = Version.isNil(raw) ? null : raw;
		if (count == 3) {
			return new Store(key, value, this.replica.owner(message.sender()), message.time(), false,
					storeRecipients(value == null, false));
		}
		String owner = message.nodeIdPacket(3);
		Long timestamp = MessageCodec.timeValue(message.packet(4));
		if (owner == null || timestamp == null) {
			throw invalid("5-packet store with owner " + MessageCodec.describe(message.packet(3)) + " and timestamp "
					+ MessageCodec.describe(message.packet(4)));
		}
		return new Store(key, value, this.replica.owner(owner), timestamp, true, storeRecipients(value == null, true));
	}

	private Delta parseDelta(WireMessage message) {
		if (message.packetCount() != 3 || !(message.packet(2) instanceof Map<?, ?> delta)) {
			throw invalid("delta without a map (" + message.packetCount() + " packets)");
		}
		return new Delta(key(message, 1), delta, this.replica.owner(message.sender()), message.time());
	}

	private static Digest parseDigest(WireMessage message) {
		if (message.packetCount() != 2 || !(message.packet(1) instanceof Long digest)) {
			throw invalid("digest with " + message.packetCount() + " packets");
		}
		return new Digest(digest);
	}

	private static SyncKey key(WireMessage message, int index) {
		byte[] bytes = message.binaryOrAsciiBytes(index);
		return (bytes != null) ? SyncKey.wrap(bytes) : key(message.packet(index));
	}

	private static SyncKey key(@Nullable Object packet) {
		if (packet instanceof byte[] bytes) {
			return SyncKey.wrap(bytes);
		}
		if (packet instanceof String text) {
			return SyncKey.of(text);
		}
		throw invalid("key is " + MessageCodec.describe(packet) + " (expected: str or bin)");
	}

	private static WireFormatException invalid(String detail) {
		return new WireFormatException(LinkFault.INVALID_MESSAGE, detail);
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
