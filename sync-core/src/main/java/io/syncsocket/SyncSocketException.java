package io.syncsocket;

import org.jspecify.annotations.Nullable;

/**
 * Root of the exceptions thrown by syncsocket to callers. Subclasses exist only where a
 * caller can act on them. Faults caused by peers are never thrown to callers: they are
 * handled per link and counted (see {@link LinkFault}).
 */
public class SyncSocketException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public SyncSocketException(String message) {
		super(message);
	}

	public SyncSocketException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
