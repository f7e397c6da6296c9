package io.syncsocket.internal.mesh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.syncsocket.Metatuple;
import org.jspecify.annotations.Nullable;

/**
 * The oracles of the simulation, written independently of the production code from
 * PROTOCOL.md §7.4 and docs/design.md ("Convergence"): the lease predicate, the merge
 * order on metadata, which processes hold which version, and the record of acknowledged
 * writes.
 */
final class SimChecks {

	static final long LEASE_SECONDS = 3600;

	/**
	 * A write that returned normally: its key, value bytes (null: a delete), the version
	 * it got and, for applyDelta, the delta; heardByAll: every running node was connected
	 * to the writer over healthy links when it was written, so every node heard it live.
	 */
	record Ack(SimNode writer, int instance, String key, byte @Nullable [] value, Metatuple meta, String operation,
			@Nullable Map<String, Object> delta, boolean heardByAll, long time) {
	}

	final List<Ack> acks = new ArrayList<>();

	/** Per (key, owner, timestamp): the node instances that applied that version. */
	private final Map<String, List<Holder>> holders = new HashMap<>();

	private record Holder(SimNode node, int instance) {
	}

	/** Per key: the newest version (by the merge order) any node ever applied. */
	private final Map<String, Metatuple> newestApplied = new HashMap<>();

	/** Whether some node applied a version of the key that beats {@code meta}. */
	boolean beatenAnywhere(String key, Metatuple meta) {
		Metatuple newest = this.newestApplied.get(key);
		return newest != null && newer(newest, meta);
	}

	/**
	 * A node applied a version.
	 * @param value the value as {@code Msgpack.encode} writes it, null for a deletion
	 * @param replaced the holder key of the version it replaced on that node, if the new
	 * one is older by the merge order (rule 3 lets an older delta through with leases
	 * off): that node no longer carries the replaced write forward
	 * @return the holder key of the applied version
	 */
	String applied(SimNode node, String key, Metatuple meta, byte @Nullable [] value, @Nullable String replaced) {
		if (replaced != null) {
			List<Holder> list = this.holders.get(replaced);
			if (list != null) {
				list.remove(new Holder(node, node.instance()));
			}
		}
		this.newestApplied.merge(key, meta, (current, next) -> newer(next, current) ? next : current);
		String holderKey = holderKey(key, meta, value);
		this.holders.computeIfAbsent(holderKey, (k) -> new ArrayList<>()).add(new Holder(node, node.instance()));
		return holderKey;
	}

	/**
	 * Whether a node that applied this version is still running as the same process.
	 * Without one, the write died with the processes that had it: the protocol has no
	 * persistence and no acknowledgements from peers.
	 */
	boolean survived(Ack ack) {
		List<Holder> list = this.holders.get(holderKey(ack.key, ack.meta, ack.value));
		if (list == null) {
			return false;
		}
		for (Holder holder : list) {
			if (holder.node().up() && holder.node().instance() == holder.instance()) {
				return true;
			}
		}
		return false;
	}

	private static String holderKey(String key, Metatuple meta, byte @Nullable [] value) {
		return key + "\u0000" + meta.owner() + "\u0000" + meta.timestamp() + "\u0000"
				+ ((value != null) ? java.util.HexFormat.of().formatHex(value) : "deleted");
	}

	/**
	 * PROTOCOL.md §7.4, with the delta flag set (the weaker check: the event does not
	 * say).
	 */
	static boolean leaseAllows(@Nullable Metatuple old, Metatuple next, boolean leased, long now) {
		if (old == null || old.owner().equals(next.owner())) {
			return true;
		}
		if (!leased) {
			return true;
		}
		if (old.timestamp() < now - LEASE_SECONDS) {
			return true;
		}
		return old.timestamp() == next.timestamp() && old.owner().compareTo(next.owner()) > 0;
	}

	/**
	 * The merge order on metadata: a later second, or the same second and a smaller owner
	 * id.
	 */
	static boolean newer(Metatuple candidate, Metatuple current) {
		if (candidate.timestamp() != current.timestamp()) {
			return candidate.timestamp() > current.timestamp();
		}
		return candidate.owner().compareTo(current.owner()) < 0;
	}

}
