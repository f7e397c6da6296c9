package io.syncsocket.autoconfigure;

import io.syncsocket.SyncSocket;

import org.springframework.context.ApplicationEvent;

/**
 * Base of the application events published for an auto-configured {@link SyncSocket}.
 * They are published from the socket's event dispatcher thread (never a Netty thread), in
 * commit order per socket, so a plain {@code @EventListener} works and may call blocking
 * socket methods.
 */
public abstract class SyncSocketEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final String socketName;

	protected SyncSocketEvent(SyncSocket socket, String socketName) {
		super(socket);
		this.socketName = socketName;
	}

	/** The socket the event is about. */
	public SyncSocket getSocket() {
		return (SyncSocket) getSource();
	}

	/** The socket's name: {@code default}, or its key under {@code sync.sockets}. */
	public String getSocketName() {
		return this.socketName;
	}

}
