package io.syncsocket;

/**
 * Whether deletes are sent to peers as nil stores (PROTOCOL.md §7.2, §9 Q1).
 *
 * <p>
 * A delete is a nil store on the wire; py2p and syncsocket apply it, but a js2p 0.7.870
 * node that accepts one throws and drops the link it arrived on (after relaying it, so
 * every js2p node that sees it drops a link). The policy trades delete propagation
 * against js2p link stability. Deleted keys are always kept as tombstones locally, and
 * are passed to syncsocket peers during state transfer whatever the policy.
 */
public enum DeletePolicy {

	/**
	 * Always broadcast and relay deletes: the protocol's behaviour; js2p peers lose
	 * links.
	 */
	ALWAYS,

	/** Never broadcast deletes, and do not relay other nodes' deletes to js2p peers. */
	NEVER,

	/**
	 * Broadcast deletes, but never write a nil store to a peer whose handshake looks like
	 * js2p ({@link Peer.Dialect#JS2P}): js2p peers keep their links and their copy of the
	 * key, every other peer gets the delete. The default.
	 */
	EXCEPT_TO_JS2P

}
