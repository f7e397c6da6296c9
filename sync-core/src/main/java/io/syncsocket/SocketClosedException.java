package io.syncsocket;

/**
 * The socket is not running (not started yet, closing or closed), so the call cannot
 * proceed.
 */
public class SocketClosedException extends SyncSocketException {

	private static final long serialVersionUID = 1L;

	public SocketClosedException(String message) {
		super(message);
	}

}
