package io.syncsocket.autoconfigure;

/**
 * A configured socket could not start (its address could not be bound, or its TLS
 * material was refused): names the socket and its property prefix for
 * {@link SyncSocketStartFailureAnalyzer}.
 */
class SyncSocketStartException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String socketName;

	private final String prefix;

	private final String address;

	SyncSocketStartException(String socketName, String prefix, String address, RuntimeException cause) {
		super("Cannot start sync socket '" + socketName + "' on " + address + " (check " + prefix + "addr, " + prefix
				+ "port and, with TLS, " + prefix + "ssl.*): " + cause.getMessage(), cause);
		this.socketName = socketName;
		this.prefix = prefix;
		this.address = address;
	}

	String socketName() {
		return this.socketName;
	}

	/** {@code sync.} or {@code sync.sockets.<name>.}. */
	String prefix() {
		return this.prefix;
	}

	/** The address it tried to bind, {@code host:port}. */
	String address() {
		return this.address;
	}

}
