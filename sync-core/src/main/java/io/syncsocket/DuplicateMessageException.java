package io.syncsocket;

/**
 * A user broadcast was refused because this node already sent the very same message (same
 * packets) in this second and the next: peers identify a broadcast by its bytes and its
 * second, so a third copy would be dropped everywhere as a duplicate (PROTOCOL.md §9
 * Q15). Nothing was sent. Make repeated messages differ (a sequence number as a packet)
 * or send again after {@link #retryAfter()}.
 */
public class DuplicateMessageException extends SyncSocketException {

	private static final long serialVersionUID = 1L;

	private final long retryAfter;

	public DuplicateMessageException(long retryAfter) {
		super("the same message was already broadcast by this node at every second up to " + retryAfter
				+ "; peers would drop it as a duplicate: add a sequence number or send it after that second");
		this.retryAfter = retryAfter;
	}

	/**
	 * The last second (unix time) at which this message was already sent; it can be sent
	 * after it.
	 */
	public long retryAfter() {
		return this.retryAfter;
	}

}
