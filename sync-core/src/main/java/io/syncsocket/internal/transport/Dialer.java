package io.syncsocket.internal.transport;

import java.util.concurrent.CompletableFuture;

/**
 * What the mesh needs to open links: {@link Transport} dials over TCP; the deterministic
 * simulation in the test sources dials over a simulated network.
 */
public interface Dialer {

	/**
	 * Dials a peer; the future completes with the link once it is connected (the link's
	 * listener has then been told {@link LinkListener#linkActive}, or is about to be), or
	 * fails. Any thread.
	 */
	CompletableFuture<Link> connect(String host, int port);

}
