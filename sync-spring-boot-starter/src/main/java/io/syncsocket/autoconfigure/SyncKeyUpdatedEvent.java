package io.syncsocket.autoconfigure;

import io.syncsocket.SyncEvent;
import io.syncsocket.SyncSocket;

/** A key was set, or a delta was merged into it. */
public class SyncKeyUpdatedEvent extends SyncKeyEvent {

	private static final long serialVersionUID = 1L;

	public SyncKeyUpdatedEvent(SyncSocket socket, String socketName, SyncEvent change) {
		super(socket, socketName, change);
	}

}
