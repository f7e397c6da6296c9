package io.syncsocket;

import java.time.Instant;

/**
 * A local write was refused because another node holds the key's lease (PROTOCOL.md
 * §7.4). Nothing was changed.
 */
public class LeaseHeldException extends WriteRejectedException {

	private static final long serialVersionUID = 1L;

	private final Instant leaseEnds;

	public LeaseHeldException(String key, String owner, Instant leaseEnds) {
		super("key '" + key + "' is leased by node " + owner + " until " + leaseEnds, key, owner);
		this.leaseEnds = leaseEnds;
	}

	/** When the lease expires unless its owner writes the key again. */
	public Instant leaseEnds() {
		return this.leaseEnds;
	}

}
