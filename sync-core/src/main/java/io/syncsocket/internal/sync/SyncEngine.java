package io.syncsocket.internal.sync;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

import io.syncsocket.DeletePolicy;
import io.syncsocket.LeaseHeldException;
import io.syncsocket.Leasing;
import io.syncsocket.Metatuple;
import io.syncsocket.SyncEntry;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncStats;
import io.syncsocket.ValueTypeException;
import io.syncsocket.WriteConflictException;
import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshExtension;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * The replicated dictionary of one run (PROTOCOL.md §7): the layer above the mesh, built
 * from its parts and handing each job to one of them.
 *
 * <ul>
 * <li>{@link Replica}: what this node holds (live versions, tombstones, their bounds).
 * <li>{@link LocalWrites}: this node's own writes, stamped by {@link LocalStamps} (maps
 * merged by {@link Deltas}).
 * <li>{@link SyncMessages} parses stores, deltas and digests; {@link RemoteChanges}
 * decides whether a peer's store or delta changes this node.
 * <li>{@link Commits}: a decided change made visible, and listeners' events.
 * <li>{@link StateTransfer} (full state to a new peer), {@link InitialSync} (when the
 * first state has arrived), {@link AntiEntropy} (digests and repairs).
 * </ul>
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
 * What differs from js2p, on the same wire: full-state entries and changes meeting a
 * tombstone are merged by {@link LeaseRule#wins} so partitioned nodes converge, and
 * re-broadcast when a state transfer changed this node ({@link RemoteChanges}); deletes
 * leave tombstones that are sent to syncsocket peers in state transfers; falsy values are
 * ordinary values.
 */
public final class SyncEngine implements MeshExtension {

	/** Tombstones are pruned at least this often (and at most every second). */
	private static final Duration MAX_PRUNE_INTERVAL = Duration.ofMinutes(1);

	private final MeshNode mesh;

	private final Replica replica;

	private final SyncCounters counters = new SyncCounters();

	private final SyncMessages messages;

	private final AntiEntropy antiEntropy;

	private final LocalWrites localWrites;

	private final RemoteChanges remoteChanges;

	private final StateTransfer stateTransfer;

	private final InitialSync initialSync;

	/**
	 * @param antiEntropyInterval how often to send peers this node's digest (zero: never)
	 * @param listeners the socket's live (thread-safe) list of listeners
	 * @param events makes the events they receive (the public type has no public
	 * constructor)
	 */
	public SyncEngine(MeshNode mesh, Leasing leasing, DeletePolicy deletePolicy, Duration tombstoneRetention,
			int maxTombstones, Duration antiEntropyInterval, List<SyncListener> listeners, EventFactory events) {
		this.replica = new Replica(maxTombstones, tombstoneRetention);
		Objects.requireNonNull(events, "'events' must not be null");
		this.mesh = Objects.requireNonNull(mesh, "'mesh' must not be null");
		Objects.requireNonNull(leasing, "'leasing' must not be null");
		Objects.requireNonNull(deletePolicy, "'deletePolicy' must not be null");
		Duration pruneEvery = tombstoneRetention.dividedBy(10);
		schedulePrune((pruneEvery.compareTo(MAX_PRUNE_INTERVAL) > 0) ? MAX_PRUNE_INTERVAL
				: (pruneEvery.isZero() ? Duration.ofSeconds(1) : pruneEvery));
		this.antiEntropy = new AntiEntropy(mesh, antiEntropyInterval);
		this.messages = new SyncMessages(this.replica, deletePolicy);
		Commits commits = new Commits(mesh, this.replica, this.antiEntropy, this.counters, listeners, events);
		this.localWrites = new LocalWrites(mesh, this.replica, new LocalStamps(mesh, this.replica, leasing),
				deletePolicy, this.messages, this.counters, commits);
		this.initialSync = new InitialSync(mesh, this.replica);
		this.remoteChanges = new RemoteChanges(mesh, this.replica, leasing, this.counters, commits, this.initialSync);
		this.stateTransfer = new StateTransfer(mesh, this.replica.data(), this.replica.tombstones());
	}

	/** What this node holds; its reads take no lock. */
	public Replica replica() {
		return this.replica;
	}

	/** The counters of this run. Any thread. */
	public SyncStats stats() {
		return this.counters.snapshot(this.replica.size(), this.replica.tombstoneCount(), this.antiEntropy.repairs());
	}

	/**
	 * Whether the full state of a peer has arrived (see {@link InitialSync#complete}).
	 * Any thread.
	 */
	public boolean initialSyncComplete() {
		return this.initialSync.complete();
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
		this.localWrites.set(key, value);
	}

	/** Sets every entry, or none if any of them is refused. */
	public void update(Map<SyncKey, byte[]> entries) {
		this.localWrites.update(entries);
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
		return this.localWrites.delete(key);
	}

	/**
	 * Removes and returns some entry this node may delete.
	 * @throws NoSuchElementException if the dictionary is empty
	 * @throws LeaseHeldException if every key is leased by another node
	 */
	public SyncEntry popItem() {
		return this.localWrites.popItem();
	}

	/**
	 * Merges a delta into a map value (absent keys start empty) and broadcasts the delta
	 * (PROTOCOL.md §7.3).
	 * @return the merged map
	 * @throws ValueTypeException if the stored value is not a map
	 * @throws LeaseHeldException if another node's lease forbids it
	 */
	public Map<Object, @Nullable Object> applyDelta(SyncKey key, Map<?, ?> delta) {
		return this.localWrites.applyDelta(key, delta);
	}

	// ------------------------------------------------------------------ the mesh's calls
	// (node loop)

	@Override
	public MeshExtension.@Nullable Claimed claim(WireMessage message) {
		return this.messages.parse(message);
	}

	@Override
	public void handle(Connection from, WireMessage message, MeshExtension.Claimed claimed) {
		if (claimed instanceof SyncMessages.Store store) {
			this.remoteChanges.store(from, message, store);
		}
		else if (claimed instanceof SyncMessages.Delta delta) {
			this.remoteChanges.delta(delta);
		}
		else if (claimed instanceof SyncMessages.Digest digest) {
			this.antiEntropy.digestReceived(from, digest.digest());
		}
	}

	@Override
	public void sendState(Connection to) {
		this.initialSync.start();
		this.stateTransfer.sendState(to);
	}

	private void schedulePrune(Duration every) {
		this.mesh.loop().schedule(() -> {
			this.replica.pruneTombstones(this.mesh.nowSeconds());
			schedulePrune(every);
		}, every);
	}

	/** Makes the events listeners receive ({@code SyncEvent}'s constructor). */
	@FunctionalInterface
	public interface EventFactory {

		SyncEvent create(SyncEvent.Type type, byte[] key, byte @Nullable [] value, Metatuple meta,
				SyncEvent.Origin origin);

	}

}
