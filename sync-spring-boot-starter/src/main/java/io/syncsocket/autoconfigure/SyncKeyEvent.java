package io.syncsocket.autoconfigure;

import io.syncsocket.Metatuple;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncSocket;
import org.jspecify.annotations.Nullable;

/**
 * A key of a socket's dictionary changed: see {@link SyncKeyUpdatedEvent} and
 * {@link SyncKeyDeletedEvent}.
 */
public abstract class SyncKeyEvent extends SyncSocketEvent {

	private static final long serialVersionUID = 1L;

	private final transient SyncEvent change;

	protected SyncKeyEvent(SyncSocket socket, String socketName, SyncEvent change) {
		super(socket, socketName);
		this.change = change;
	}

	/** The key as text. */
	public String getKey() {
		return this.change.key();
	}

	/** The new value (the merged map for a delta), or null for a delete. */
	public @Nullable Object getValue() {
		return this.change.value();
	}

	/** Who made the change and when. */
	public Metatuple getMeta() {
		return this.change.meta();
	}

	/**
	 * Whether the change was made here, arrived in a broadcast or in a state transfer.
	 */
	public SyncEvent.Origin getOrigin() {
		return this.change.origin();
	}

	/** The core library's event. */
	public SyncEvent getChange() {
		return this.change;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[socket=" + getSocketName() + ", " + this.change + "]";
	}

}
