package io.syncsocket.internal.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import io.syncsocket.DeletePolicy;
import io.syncsocket.LeaseHeldException;
import io.syncsocket.Leasing;
import io.syncsocket.LinkFault;
import io.syncsocket.Metatuple;
import io.syncsocket.Peer;
import io.syncsocket.SyncEntry;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncStats;
import io.syncsocket.ValueTypeException;
import io.syncsocket.WriteConflictException;
import io.syncsocket.WriteRejectedException;
import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshExtension;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.mesh.Outbox;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.RawMsgpack;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated dictionary's rules (PROTOCOL.md §7): which local writes, remote stores
 * and deltas change the {@link Replica}, what is broadcast for them, and the events
 * listeners receive. Its helpers: {@link LocalStamps} (the second a local write is
 * stamped with), {@link Deltas} (map merges), {@link StateTransfer} (full state to and
 * from a new peer) and {@link AntiEntropy} (digests and repairs).
 *
 * <p>
 * Threading: every change runs under the node lock, on the node loop or on a user thread
 * that runs its write inline (see {@link io.syncsocket.internal.mesh.NodeLoop}); remote
 * changes and state transfers only on the loop. Reads go to the {@link Replica} and take
 * no lock. Values are kept as the msgpack bytes they were written or received with (a map
 * a delta was merged into is re-encoded), so they are re-sent with their original types
 * and cost little memory; they are decoded on read.
 *
 * <p>
 * What differs from js2p, on the same wire: full-state entries for present keys and
 * changes meeting a tombstone are merged with {@link LeaseRule#wins} so partitioned nodes
 * converge; a state-transfer entry that changes this node is re-broadcast (5-packet) so
 * the rest of this node's side of the mesh converges too; deletes leave tombstones that
 * are sent to syncsocket peers in state transfers; falsy values are ordinary values.
 */
public final class SyncEngine implements MeshExtension {

	private static final Logger logger = LoggerFactory.getLogger(SyncEngine.class);

	private static final RawMsgpack NIL = new RawMsgpack(new byte[] { Version.NIL });

	private static final Predicate<Connection> NOBODY = (to) -> false;

	private static final Predicate<Connection> SYNCSOCKET_PEERS = (to) -> to.dialect() == Peer.Dialect.SYNCSOCKET;

	private static final Predicate<Connection> ALL_BUT_JS2P = (to) -> to.dialect() != Peer.Dialect.JS2P;

	private final MeshNode mesh;

	private final Leasing leasing;

	private final DeletePolicy deletePolicy;

	private final Replica replica;

	private final LocalStamps stamps;

	private final List<SyncListener> listeners;

	private final EventFactory events;

	private final Outbox outbox;

	private final AntiEntropy antiEntropy;

	private final StateTransfer stateTransfer;

	private final LongAdder localUpdates = new LongAdder();

	private final LongAdder remoteUpdates = new LongAdder();

	private final LongAdder stateTransferUpdates = new LongAdder();

	private final LongAdder deletes = new LongAdder();

	private final LongAdder leaseRejections = new LongAdder();

	private final LongAdder staleRejections = new LongAdder();

	private final LongAdder ignoredDeltas = new LongAdder();

	/**
	 * @param antiEntropyInterval how often to send peers this node's digest (zero: never)
	 * @param listeners the socket's live (thread-safe) list of listeners
	 * @param events makes the events they receive (the public type has no public
	 * constructor)
	 */
	public SyncEngine(MeshNode mesh, Leasing leasing, DeletePolicy deletePolicy, Duration tombstoneRetention,
			int maxTombstones, Duration antiEntropyInterval, List<SyncListener> listeners, EventFactory events) {
		this.replica = new Replica(maxTombstones, tombstoneRetention);
		this.listeners = listeners;
		this.events = Objects.requireNonNull(events, "'events' must not be null");
		this.mesh = Objects.requireNonNull(mesh, "'mesh' must not be null");
		this.outbox = mesh.outbox();
		this.leasing = Objects.requireNonNull(leasing, "'leasing' must not be null");
		this.stamps = new LocalStamps(mesh, this.replica, leasing);
		this.deletePolicy = Objects.requireNonNull(deletePolicy, "'deletePolicy' must not be null");
		Duration pruneEvery = tombstoneRetention.dividedBy(10);
		schedulePrune(pruneEvery.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1)
				: (pruneEvery.isZero() ? Duration.ofSeconds(1) : pruneEvery));
		this.antiEntropy = new AntiEntropy(mesh, antiEntropyInterval);
		this.stateTransfer = new StateTransfer(mesh, this.replica.data(), this.replica.tombstones());
	}

	/** What this node holds; its reads take no lock. */
	public Replica replica() {
		return this.replica;
	}

	public SyncStats stats() {
		return SyncStats.builder()
			.keys(this.replica.size())
			.tombstones(this.replica.tombstoneCount())
			.localUpdates(this.localUpdates.sum())
			.remoteUpdates(this.remoteUpdates.sum())
			.stateTransferUpdates(this.stateTransferUpdates.sum())
			.deletes(this.deletes.sum())
			.leaseRejections(this.leaseRejections.sum())
			.staleRejections(this.staleRejections.sum())
			.ignoredDeltas(this.ignoredDeltas.sum())
			.repairs(this.antiEntropy.repairs())
			.build();
	}

	// ------------------------------------------------------------------ local writes
	// (under the node lock)

	/**
	 * Stores a value written on this node and broadcasts it.
	 * @throws LeaseHeldException if another node's lease forbids it (nothing changes)
	 * @throws WriteConflictException if it cannot be stamped so that peers take it
	 * (nothing changes)
	 */
	public void set(SyncKey key, byte[] value) {
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
				&& java.util.Arrays.equals(current.value, value)) {
			// The same value again in the same second: every peer already has exactly
			// this version, and re-sending it would need a later second each time
			// (timestamps would run ahead).
			return null;
		}
		return new LocalWrite(key, value, this.stamps.author(key,
				List.of(Flags.STORE, key.bytes(), new RawMsgpack(value)), Connection.ANY, time));
	}

	/** Sets every entry, or none if any of them is refused. */
	public void update(Map<SyncKey, byte[]> entries) {
		List<LocalWrite> writes = new ArrayList<>(entries.size());
		for (Map.Entry<SyncKey, byte[]> entry : entries.entrySet()) {
			LocalWrite write = prepareSet(entry.getKey(), entry.getValue());
			if (write != null) {
				writes.add(write);
			}
		}
		writes.forEach(LocalWrite::commit);
	}

	/**
	 * Deletes a key written or seen on this node and (per the delete policy) broadcasts a
	 * nil store. Deleting an absent key does nothing.
	 * @return the removed entry, or null if the key was absent
	 * @throws LeaseHeldException if another node's lease forbids it (nothing changes)
	 * @throws WriteConflictException if it cannot be stamped so that peers take it
	 * (nothing changes)
	 */
	public @Nullable SyncEntry delete(SyncKey key) {
		Version current = this.replica.current(key);
		if (current == null) {
			return null;
		}
		long time = this.stamps.check(key, false);
		if (this.deletePolicy != DeletePolicy.NEVER) {
			Outbox.Authored message = this.stamps.author(key, List.of(Flags.STORE, key.bytes(), NIL),
					storeRecipients(true, false), time);
			this.outbox.publish(message);
			time = message.time();
		}
		SyncEntry removed = Replica.entry(key, current);
		applyDelete(key, new Version(null, this.mesh.id(), time, true), SyncEvent.Origin.LOCAL);
		return removed;
	}

	/**
	 * Removes and returns some entry this node may delete.
	 * @throws NoSuchElementException if the dictionary is empty
	 * @throws LeaseHeldException if every key is leased by another node
	 */
	public SyncEntry popItem() {
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

	/**
	 * Merges a delta into a map value (absent keys start empty) and broadcasts the delta
	 * (PROTOCOL.md §7.3).
	 * @return the merged map
	 * @throws ValueTypeException if the stored value is not a map
	 * @throws LeaseHeldException if another node's lease forbids it
	 */
	public Map<Object, @Nullable Object> applyDelta(SyncKey key, Map<?, ?> delta) {
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

	/**
	 * A checked and encoded local change, sent and applied in the same task under the
	 * node lock.
	 */
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
			SyncEngine.this.outbox.publish(this.message);
			SyncEngine.this.localUpdates.increment();
			applyUpdate(this.key, new Version(this.value, SyncEngine.this.mesh.id(), this.message.time(), true),
					SyncEvent.Origin.LOCAL);
		}

	}

	// ------------------------------------------------------------------ remote changes
	// (node loop)

	@Override
	public MeshExtension.@Nullable Claimed claim(WireMessage message) {
		return switch (message.subFlag()) {
			case Flags.STORE -> parseStore(message);
			case Flags.DELTA -> parseDelta(message);
			case Flags.DIGEST -> parseDigest(message);
			default -> null;
		};
	}

	@Override
	public void handle(Connection from, WireMessage message, MeshExtension.Claimed claimed) {
		if (claimed instanceof SyncMessages.Store store) {
			store(from, message, store);
		}
		else if (claimed instanceof SyncMessages.Delta delta) {
			delta(delta);
		}
		else if (claimed instanceof SyncMessages.Digest digest) {
			this.antiEntropy.digestReceived(from, digest.digest());
		}
	}

	private SyncMessages.Store parseStore(WireMessage message) {
		int count = message.packetCount();
		if (count != 3 && count != 5) {
			throw invalid("store with " + count + " packets (expected: 3 or 5)");
		}
		SyncKey key = key(message, 1);
		byte[] raw = message.rawPacket(2);
		byte[] value = Version.isNil(raw) ? null : raw;
		if (count == 3) {
			return new SyncMessages.Store(key, value, this.replica.owner(message.sender()), message.time(), false,
					storeRecipients(value == null, false));
		}
		String owner = message.nodeIdPacket(3);
		Long timestamp = MessageCodec.timeValue(message.packet(4));
		if (owner == null || timestamp == null) {
			throw invalid("5-packet store with owner " + MessageCodec.describe(message.packet(3)) + " and timestamp "
					+ MessageCodec.describe(message.packet(4)));
		}
		return new SyncMessages.Store(key, value, this.replica.owner(owner), timestamp, true,
				storeRecipients(value == null, true));
	}

	private SyncMessages.Delta parseDelta(WireMessage message) {
		if (message.packetCount() != 3 || !(message.packet(2) instanceof Map<?, ?> delta)) {
			throw invalid("delta without a map (" + message.packetCount() + " packets)");
		}
		return new SyncMessages.Delta(key(message, 1), delta, this.replica.owner(message.sender()), message.time());
	}

	private static SyncMessages.Digest parseDigest(WireMessage message) {
		if (message.packetCount() != 2 || !(message.packet(1) instanceof Long digest)) {
			throw invalid("digest with " + message.packetCount() + " packets");
		}
		return new SyncMessages.Digest(digest);
	}

	/**
	 * Which peers a store goes to, authored or relayed. Only syncsocket merges deletions
	 * of keys it may not hold: js2p and py2p drop the link on a nil store for an absent
	 * key, so a tombstone passed on after a state transfer goes to syncsocket peers only,
	 * and a live delete as the delete policy says.
	 */
	private Predicate<Connection> storeRecipients(boolean delete, boolean fullState) {
		if (!delete) {
			return Connection.ANY;
		}
		if (fullState) {
			return SYNCSOCKET_PEERS;
		}
		return (this.deletePolicy == DeletePolicy.ALWAYS) ? Connection.ANY : ALL_BUT_JS2P;
	}

	private void store(Connection from, WireMessage message, SyncMessages.Store store) {
		SyncKey key = store.key();
		byte[] value = store.value();
		if (!store.fullState()) {
			applyLive(key, new Version(value, store.owner(), store.timestamp()), false, SyncEvent.Origin.REMOTE);
			return;
		}
		boolean whisper = message.msgType() == Flags.WHISPER;
		if (whisper) {
			this.stateTransfer.stateEntryReceived();
		}
		Version candidate = new Version(value, store.owner(), store.timestamp());
		if (mergeStateEntry(key, candidate, whisper ? SyncEvent.Origin.STATE_TRANSFER : SyncEvent.Origin.REMOTE)
				&& whisper) {
			// The rest of this node's side of the mesh may hold the losing version too.
			this.outbox.broadcastOnce(List.of(Flags.STORE, key.bytes(), (value != null) ? new RawMsgpack(value) : NIL,
					candidate.owner, candidate.timestamp), store.recipients(), from);
		}
	}

	/**
	 * A live change (3-packet store): the exact lease predicate, and never losing to a
	 * tombstone or older than the stored version of the same owner (see
	 * {@link #liveChangeAllowed}).
	 */
	private void applyLive(SyncKey key, Version candidate, boolean delta, SyncEvent.Origin origin) {
		Version current = this.replica.current(key);
		if (!liveChangeAllowed(key, current, candidate, delta)) {
			return;
		}
		if (candidate.isTombstone()) {
			if (current != null) {
				applyDelete(key, candidate, origin);
			}
			else {
				this.replica.rememberTombstone(key, candidate);
			}
			return;
		}
		this.remoteUpdates.increment();
		applyUpdate(key, candidate, origin);
	}

	/**
	 * A full-state entry (5-packet store): applied to an absent key as the predicate
	 * says, merged by {@link LeaseRule#wins} with a present key or a tombstone.
	 * @return whether this node's state changed
	 */
	private boolean mergeStateEntry(SyncKey key, Version candidate, SyncEvent.Origin origin) {
		Version current = this.replica.current(key);
		Version existing = (current != null) ? current : this.replica.tombstoneVersion(key);
		if (existing != null && !LeaseRule.wins(candidate, existing)) {
			if (LeaseRule.wins(existing, candidate)) {
				this.staleRejections.increment();
			}
			return false;
		}
		if (candidate.isTombstone()) {
			if (current != null) {
				applyDelete(key, candidate, origin);
			}
			else {
				this.replica.rememberTombstone(key, candidate);
			}
			return true;
		}
		if (origin == SyncEvent.Origin.STATE_TRANSFER) {
			this.stateTransferUpdates.increment();
		}
		else {
			this.remoteUpdates.increment();
		}
		applyUpdate(key, candidate, origin);
		return true;
	}

	private void delta(SyncMessages.Delta message) {
		SyncKey key = message.key();
		Map<?, ?> delta = message.delta();
		Version candidateMeta = new Version(null, message.owner(), message.timestamp());
		Version current = this.replica.current(key);
		if (!liveChangeAllowed(key, current, candidateMeta, true)) {
			return;
		}
		Map<Object, @Nullable Object> merged;
		try {
			merged = Deltas.mergeable(key, current);
		}
		catch (ValueTypeException ex) {
			// js2p ignores a delta onto a non-map too (PROTOCOL.md §7.3)
			this.ignoredDeltas.increment();
			return;
		}
		Deltas.merge(merged, delta);
		this.remoteUpdates.increment();
		applyUpdate(key, new Version(Msgpack.encode(merged), candidateMeta.owner, candidateMeta.timestamp),
				SyncEvent.Origin.REMOTE);
	}

	/**
	 * A live change (3-packet store or delta) is applied if it does not lose to the key's
	 * tombstone and the lease predicate allows it; a refusal is counted.
	 */
	private boolean liveChangeAllowed(SyncKey key, @Nullable Version current, Version candidate, boolean delta) {
		if (current == null && (isOlderThanTombstone(key, candidate) || isOlderThanTombstoneMemory(candidate))) {
			this.staleRejections.increment();
			return false;
		}
		if (current != null && current.owner.equals(candidate.owner) && candidate.timestamp < current.timestamp) {
			// A node's own versions only move forward: an older one of the same owner is
			// a copy that lagged on a longer path (§7.4 rule 2 would let it overwrite the
			// newer one).
			this.staleRejections.increment();
			return false;
		}
		if (!LeaseRule.allows(current, candidate.owner, candidate.timestamp, delta, this.leasing.enforced(),
				this.mesh.nowSeconds())) {
			this.leaseRejections.increment();
			return false;
		}
		return true;
	}

	/**
	 * Whether a live change to an absent key loses against its tombstone in the merge
	 * order: it is older, or of the same second from a larger owner id. That is the
	 * tie-break the lease predicate (rule 5) applies when a delete meets the value, so a
	 * delete and a write that cross in flight within one second end the same way on every
	 * node.
	 */
	private boolean isOlderThanTombstone(SyncKey key, Version candidate) {
		Version tombstone = this.replica.tombstoneVersion(key);
		return tombstone != null && !LeaseRule.wins(candidate, tombstone);
	}

	/**
	 * Whether a live change is older than the tombstone retention: a delete that beat it
	 * may have been forgotten already, so it must not bring an absent key back. Only a
	 * change delayed for longer than the retention (a slow reader, a retention shorter
	 * than the 60 s broadcast horizon) is; if its key was not deleted, anti-entropy
	 * brings the author's version.
	 */
	private boolean isOlderThanTombstoneMemory(Version candidate) {
		return this.replica.isOlderThanTombstoneMemory(candidate, this.mesh.nowSeconds());
	}

	private SyncKey key(WireMessage message, int index) {
		byte[] bytes = message.binaryOrAsciiBytes(index);
		return (bytes != null) ? SyncKey.wrap(bytes) : key(message.packet(index));
	}

	private SyncKey key(@Nullable Object packet) {
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

	// ------------------------------------------------------------------ commit + events

	private void applyUpdate(SyncKey key, Version version, SyncEvent.Origin origin) {
		Version previous = this.replica.put(key, version);
		this.antiEntropy.changed(key, previous, version);
		if (!this.listeners.isEmpty()) {
			fire(this.events.create(SyncEvent.Type.UPDATE, key.bytes(), version.value,
					new Metatuple(version.owner, version.timestamp), origin));
		}
	}

	private void applyDelete(SyncKey key, Version tombstone, SyncEvent.Origin origin) {
		Version previous = this.replica.remove(key, tombstone);
		this.antiEntropy.changed(key, previous, null);
		this.deletes.increment();
		fire(this.events.create(SyncEvent.Type.DELETE, key.bytes(), null,
				new Metatuple(tombstone.owner, tombstone.timestamp), origin));
	}

	/**
	 * One delivery per change, calling every listener in turn (listeners are few, changes
	 * many).
	 */
	private void fire(SyncEvent event) {
		if (this.listeners.isEmpty()) {
			return;
		}
		this.mesh.deliver(() -> {
			for (SyncListener listener : this.listeners) {
				try {
					if (event.type() == SyncEvent.Type.UPDATE) {
						listener.onUpdate(event);
					}
					else {
						listener.onDelete(event);
					}
				}
				catch (Throwable ex) {
					logger.warn("A sync listener threw; the socket ignores it", ex);
				}
			}
		});
	}

	private void schedulePrune(Duration every) {
		this.mesh.loop().schedule(() -> {
			this.replica.pruneTombstones(this.mesh.nowSeconds());
			schedulePrune(every);
		}, every);
	}

	/**
	 * Whether the full state of a peer has arrived (see
	 * {@link StateTransfer#initialSyncComplete}).
	 */
	public boolean initialSyncComplete() {
		return this.stateTransfer.initialSyncComplete();
	}

	@Override
	public void sendState(Connection to) {
		this.stateTransfer.sendState(to);
	}

	/** Makes the events listeners receive ({@code SyncEvent}'s constructor). */
	@FunctionalInterface
	public interface EventFactory {

		SyncEvent create(SyncEvent.Type type, byte[] key, byte @Nullable [] value, Metatuple meta,
				SyncEvent.Origin origin);

	}

}
