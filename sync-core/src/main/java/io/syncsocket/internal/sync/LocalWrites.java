package io.syncsocket.internal.sync;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import io.syncsocket.DeletePolicy;
import io.syncsocket.SyncEntry;
import io.syncsocket.SyncEvent;
import io.syncsocket.WriteRejectedException;
import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.mesh.Outbox;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.RawMsgpack;
import org.jspecify.annotations.Nullable;

/**
 * This node's own writes: each is checked and stamped ({@link LocalStamps}) before
 * anything changes, then broadcast and committed in the same task.
 *
 * <p>
 * Under the node lock, on the node loop or on a user thread that runs its write inline
 * (see {@link io.syncsocket.internal.mesh.NodeLoop}).
 */
final class LocalWrites {

	private final MeshNode mesh;

	private final Outbox outbox;

	private final Replica replica;

	private final LocalStamps stamps;

	private final DeletePolicy deletePolicy;

	private final SyncMessages messages;

	private final SyncCounters counters;

	private final Commits commits;

	LocalWrites(MeshNode mesh, Replica replica, LocalStamps stamps, DeletePolicy deletePolicy, SyncMessages messages,
			SyncCounters counters, Commits commits) {
		this.mesh = mesh;
		this.outbox = mesh.outbox();
		this.replica = replica;
		this.stamps = stamps;
		this.deletePolicy = deletePolicy;
		this.messages = messages;
		this.counters = counters;
		this.commits = commits;
	}

	/** See {@link SyncEngine#set}. */
	void set(SyncKey key, byte[] value) {
		LocalWrite write = prepareSet(key, value);
		if (write != null) {
			write.commit();
		}
	}

	/** Checks and encodes a set; null if it changes nothing. Changes nothing itself. */
	private @Nullable LocalWrite prepareSet(SyncKey key, byte[] value) {
		long time = this.stamps.check(key, false);
		Version current = this.replica.current(key);
		if (current != null && current.timestamp == time && current.owner.equals(this.mesh.id())
				&& Arrays.equals(current.value, value)) {
			// The same value again in the same second: every peer already has exactly
			// this version, and re-sending it would need a later second each time
			// (timestamps would run ahead).
			return null;
		}
		return new LocalWrite(key, value, this.stamps.author(key,
				List.of(Flags.STORE, key.bytes(), new RawMsgpack(value)), Connection.ANY, time));
	}

	/** See {@link SyncEngine#update}: every entry is checked before any is committed. */
	void update(Map<SyncKey, byte[]> entries) {
		List<LocalWrite> writes = new ArrayList<>(entries.size());
		for (Map.Entry<SyncKey, byte[]> entry : entries.entrySet()) {
			LocalWrite write = prepareSet(entry.getKey(), entry.getValue());
			if (write != null) {
				writes.add(write);
			}
		}
		writes.forEach(LocalWrite::commit);
	}

	/** See {@link SyncEngine#delete}. */
	@Nullable SyncEntry delete(SyncKey key) {
		Version current = this.replica.current(key);
		if (current == null) {
			return null;
		}
		long time = this.stamps.check(key, false);
		if (this.deletePolicy != DeletePolicy.NEVER) {
			Outbox.Authored message = this.stamps.author(key, List.of(Flags.STORE, key.bytes(), Version.NIL_PACKET),
					this.messages.storeRecipients(true, false), time);
			this.outbox.publish(message);
			time = message.time();
		}
		SyncEntry removed = Replica.entry(key, current);
		this.commits.delete(key, new Version(null, this.mesh.id(), time, true), SyncEvent.Origin.LOCAL);
		return removed;
	}

	/** See {@link SyncEngine#popItem}: the first key this node may delete. */
	SyncEntry popItem() {
		WriteRejectedException refused = null;
		for (SyncKey key : this.replica.liveKeys()) {
			try {
				SyncEntry removed = delete(key);
				if (removed != null) {
					return removed;
				}
			}
			catch (WriteRejectedException ex) {
				refused = (refused != null) ? refused : ex;
			}
		}
		if (refused != null) {
			throw refused;
		}
		throw new NoSuchElementException("popitem(): the dictionary is empty");
	}

	/** See {@link SyncEngine#applyDelta}. */
	Map<Object, @Nullable Object> applyDelta(SyncKey key, Map<?, ?> delta) {
		Version current = this.replica.current(key);
		Map<Object, @Nullable Object> merged = Deltas.mergeable(key, current);
		long time = this.stamps.check(key, true);
		Deltas.merge(merged, delta);
		byte[] value = Msgpack.encode(merged);
		new LocalWrite(key, value,
				this.stamps.author(key, List.of(Flags.DELTA, key.bytes(), delta), Connection.ANY, time))
			.commit();
		return merged;
	}

	/** A checked and encoded local change, sent and applied in the same task. */
	private final class LocalWrite {

		private final SyncKey key;

		private final byte[] value;

		private final Outbox.Authored message;

		LocalWrite(SyncKey key, byte[] value, Outbox.Authored message) {
			this.key = key;
			this.value = value;
			this.message = message;
		}

		void commit() {
			LocalWrites.this.outbox.publish(this.message);
			LocalWrites.this.counters.localUpdates.increment();
			LocalWrites.this.commits.update(this.key,
					new Version(this.value, LocalWrites.this.mesh.id(), this.message.time(), true),
					SyncEvent.Origin.LOCAL);
		}

	}

}
