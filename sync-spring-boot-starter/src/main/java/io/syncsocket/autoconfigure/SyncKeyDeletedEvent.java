package io.syncsocket.autoconfigure;

import io.syncsocket.SyncEvent;
import io.syncsocket.SyncSocket;

/** A key was deleted. */
public class SyncKeyDeletedEvent extends SyncKeyEvent {

	private static final long serialVersionUID = 1L;

	public SyncKeyDeletedEvent(SyncSocket socket, String socketName, SyncEvent change) {
		super(socket, socketName, change);
	}

}
