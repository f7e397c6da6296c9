package io.syncsocket.autoconfigure;

import io.syncsocket.Peer;
import io.syncsocket.SyncSocket;

/** A peer completed its handshake with the socket. */
public class SyncPeerConnectedEvent extends SyncPeerEvent {

	private static final long serialVersionUID = 1L;

	public SyncPeerConnectedEvent(SyncSocket socket, String socketName, Peer peer) {
		super(socket, socketName, peer);
	}

}
