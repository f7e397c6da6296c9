package io.syncsocket.internal.sync;

import java.util.List;

import io.syncsocket.Metatuple;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.internal.mesh.MeshNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a decided change visible: stores it in the {@link Replica}, keeps the
 * anti-entropy digest in step and hands listeners its event, in commit order.
 *
 * <p>
 * Under the node lock. Listeners are called through {@link MeshNode#deliver} (the node
 * loop, or the configured listener executor), one delivery per change for every listener
 * in turn (listeners are few, changes many); a throwing listener is logged and ignored.
 */
final class Commits {

	private static final Logger logger = LoggerFactory.getLogger(Commits.class);

	private final MeshNode mesh;

	private final Replica replica;

	private final AntiEntropy antiEntropy;

	private final SyncCounters counters;

	private final List<SyncListener> listeners;

	private final SyncEngine.EventFactory events;

	Commits(MeshNode mesh, Replica replica, AntiEntropy antiEntropy, SyncCounters counters,
			List<SyncListener> listeners, SyncEngine.EventFactory events) {
		this.mesh = mesh;
		this.replica = replica;
		this.antiEntropy = antiEntropy;
		this.counters = counters;
		this.listeners = listeners;
		this.events = events;
	}

	/** Stores a new live version of a key. */
	void update(SyncKey key, Version version, SyncEvent.Origin origin) {
		Version previous = this.replica.put(key, version);
		this.antiEntropy.changed(key, previous, version);
		if (!this.listeners.isEmpty()) {
			fire(this.events.create(SyncEvent.Type.UPDATE, key.bytes(), version.value,
					new Metatuple(version.owner, version.timestamp), origin));
		}
	}

	/** Removes a present key, leaving its tombstone. */
	void delete(SyncKey key, Version tombstone, SyncEvent.Origin origin) {
		Version previous = this.replica.remove(key, tombstone);
		this.antiEntropy.changed(key, previous, null);
		this.counters.deletes.increment();
		fire(this.events.create(SyncEvent.Type.DELETE, key.bytes(), null,
				new Metatuple(tombstone.owner, tombstone.timestamp), origin));
	}

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

}
