package io.syncsocket;

/**
 * The three leasing modes of a {@link SyncSocket} (PROTOCOL.md §3.3, §7.4).
 *
 * <p>
 * With an enforced lease, a key written by node A cannot be overwritten or deleted by
 * another node for an hour after A's last write; A itself may always rewrite it. The mode
 * also decides the subnet suffix, so nodes whose suffixes differ cannot connect at all.
 */
public enum Leasing {

	/**
	 * Subnet suffix {@code "1"}, leases enforced: py2p's default and the documented
	 * protocol.
	 */
	ON("1", true),

	/** Subnet suffix {@code "0"}, no leases: newest write wins. */
	OFF("0", false),

	/**
	 * Subnet suffix {@code "1"} but leases not enforced: what a js2p 0.7.870 node does
	 * when its leasing argument is omitted (PROTOCOL.md §9 Q2). Use it to join a mesh of
	 * default js2p nodes; mixing it with {@link #ON} nodes on one mesh can make replicas
	 * disagree.
	 */
	JS2P_DEFAULT("1", false);

	private final String subnetSuffix;

	private final boolean enforced;

	Leasing(String subnetSuffix, boolean enforced) {
		this.subnetSuffix = subnetSuffix;
		this.enforced = enforced;
	}

	/** The character appended to the subnet before the protocol id is computed. */
	public String subnetSuffix() {
		return this.subnetSuffix;
	}

	/** Whether this node refuses writes to keys another node leases. */
	public boolean enforced() {
		return this.enforced;
	}

}
