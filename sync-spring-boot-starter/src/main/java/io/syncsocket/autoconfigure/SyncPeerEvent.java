package io.syncsocket.autoconfigure;

import io.syncsocket.Peer;
import io.syncsocket.SyncSocket;

/**
 * A peer joined or left: see {@link SyncPeerConnectedEvent} and
 * {@link SyncPeerDisconnectedEvent}.
 */
public abstract class SyncPeerEvent extends SyncSocketEvent {

	private static final long serialVersionUID = 1L;

	private final transient Peer peer;

	protected SyncPeerEvent(SyncSocket socket, String socketName, Peer peer) {
		super(socket, socketName);
		this.peer = peer;
	}

	public Peer getPeer() {
		return this.peer;
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[socket=" + getSocketName() + ", peer=" + this.peer.id() + "]";
	}

}
