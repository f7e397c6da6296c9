package io.syncsocket.autoconfigure;

import io.syncsocket.Peer;
import io.syncsocket.SyncSocket;

/** A handshaken peer's link closed. */
public class SyncPeerDisconnectedEvent extends SyncPeerEvent {

	private static final long serialVersionUID = 1L;

	public SyncPeerDisconnectedEvent(SyncSocket socket, String socketName, Peer peer) {
		super(socket, socketName, peer);
	}

}
