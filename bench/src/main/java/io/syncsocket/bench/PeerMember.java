package io.syncsocket.bench;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * One member of a peer system's replicated map (JGroups {@code ReplicatedHashMap},
 * Hazelcast {@code ReplicatedMap}) inside a {@link PeerNode} process: {@code String} keys
 * and values, on 127.0.0.1, configured as {@code ../shared/peer-bench} configures it (see
 * docs/benchmarks.md).
 *
 * <p>
 * A member is started once and closed once; {@link PeerNode} makes a new one for every
 * join. {@link #start} and {@link #close} run on the node's control thread;
 * {@link Updates} are called on the system's own delivery threads, possibly several at a
 * time.
 */
interface PeerMember extends AutoCloseable {

	/**
	 * Starts the member on {@code port} and joins the cluster of the member listening on
	 * {@code seedPort}, or forms a cluster alone if it is {@code null}. Returns once the
	 * map is usable; a joining member's copy of the existing entries may still be
	 * arriving then (Hazelcast fills it asynchronously).
	 * @return {@link System#nanoTime()} when the member was in the cluster, before its
	 * map was set up and its state transfer started (the end of the "cluster join" phase)
	 */
	long start(int port, @Nullable Integer seedPort, Updates updates) throws Exception;

	/** Members of the cluster other than this one. */
	int otherMembers();

	void put(String key, String value);

	boolean containsKey(String key);

	/** Entries in this member's copy of the map. */
	int size();

	/** The system, its version and the map's notable settings, for the summary line. */
	String describe();

	/** Leaves the cluster and releases the member's threads and ports; idempotent. */
	@Override
	void close();

	/**
	 * Where a member reports entries as they arrive. {@link #updated} is called for every
	 * put (local or replicated) the system reports one event for; {@link #loaded} for a
	 * state transfer delivered as a whole (JGroups' {@code contentsSet}).
	 */
	interface Updates {

		void updated(String key);

		void loaded(Collection<String> keys);

	}

	/** A member of {@code impl}: {@code jgroups} or {@code hazelcast}. */
	static PeerMember create(String impl) {
		return switch (impl) {
			case "jgroups" -> new JGroupsMember();
			case "hazelcast" -> new HazelcastMember();
			default -> throw new IllegalArgumentException("--impl: " + impl + " (expected: jgroups|hazelcast)");
		};
	}

}
