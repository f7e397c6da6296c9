package io.syncsocket;

/**
 * A local write was refused because the key holds a version this node cannot beat without
 * stamping the write more than a second ahead of its clock: another node's write from the
 * future (its clock runs ahead) or a deletion stamped ahead. Peers would drop such a write, so
 * it is refused here, and nothing was changed. Retry after {@link #timestamp()}.
 */
public class WriteConflictException extends WriteRejectedException {

	private static final long serialVersionUID = 1L;

	private final long timestamp;

	public WriteConflictException(String key, String owner, long timestamp, long now) {
		super("key '" + key + "' holds a version of node " + owner + " stamped " + timestamp + ", more than a second "
				+ "ahead of this node's clock (" + now + "); check the clocks", key, owner);
		this.timestamp = timestamp;
	}

	/** The timestamp (unix seconds) of the version that refused the write. */
	public long timestamp() {
		return this.timestamp;
	}

}
