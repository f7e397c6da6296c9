package io.syncsocket;

/**
 * A local write was refused because of the version another node holds; nothing was
 * changed. See {@link LeaseHeldException} (leasing on) and {@link WriteConflictException}
 * (a newer version that this write cannot beat).
 */
public abstract class WriteRejectedException extends SyncSocketException {

	private static final long serialVersionUID = 1L;

	private final String key;

	private final String owner;

	protected WriteRejectedException(String message, String key, String owner) {
		super(message);
		this.key = key;
		this.owner = owner;
	}

	/** The key (as text). */
	public String key() {
		return this.key;
	}

	/** The node whose version refused the write. */
	public String owner() {
		return this.owner;
	}

}
