package io.syncsocket;

/**
 * A local write was refused because peers would not take it, and nothing was changed.
 * Either the key holds a version this node cannot beat without stamping the write more
 * than a second ahead of its clock (another node's write from the future, its clock
 * running ahead, or a deletion stamped ahead), or this node already sent the very same
 * change at every second it may use: a value alternating on one key faster than twice a
 * second (v1, v2, v1, v2, v1 within one second), which peers would drop as a duplicate
 * (PROTOCOL.md §9 Q15). Retry after {@link #timestamp()}, or treat the write as
 * superseded by the one before it.
 */
public class WriteConflictException extends WriteRejectedException {

	private static final long serialVersionUID = 1L;

	private final long timestamp;

	public WriteConflictException(String key, String owner, long timestamp, long now) {
		this("key '" + key + "' holds a version of node " + owner + " stamped " + timestamp + ", more than a second "
				+ "ahead of this node's clock (" + now + "); check the clocks", key, owner, timestamp);
	}

	/**
	 * @param owner the node whose version refused the write (this node itself for a
	 * change repeated too often within a second)
	 * @param timestamp the second after which the write can succeed
	 */
	public WriteConflictException(String message, String key, String owner, long timestamp) {
		super(message, key, owner);
		this.timestamp = timestamp;
	}

	/** The timestamp (unix seconds) of the version that refused the write. */
	public long timestamp() {
		return this.timestamp;
	}

}
