package io.syncsocket;

/**
 * A link was refused because the node at the other end uses this node's id. Two live
 * nodes must never share an id: links and leases are keyed by it. The cause is almost
 * always configuration (one {@code nodeId}, or one node name and advertised address,
 * given to two instances); both nodes log it at ERROR and count a
 * {@link LinkFault#DUPLICATE_NODE_ID}.
 */
public class DuplicateNodeIdException extends SyncSocketException {

	private static final long serialVersionUID = 1L;

	private final String otherAddress;

	public DuplicateNodeIdException(String otherAddress) {
		super("the node at " + otherAddress + " uses this node's id: two live nodes must not share an id");
		this.otherAddress = otherAddress;
	}

	/** The address ({@code host:port}) that the other node advertises. */
	public String otherAddress() {
		return this.otherAddress;
	}

}
