package io.syncsocket.faults;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.faults.Versions.Snapshot;
import io.syncsocket.faults.Versions.Version;
import org.jspecify.annotations.Nullable;

/**
 * Every write a node acknowledged to a client, with the version it created, and the
 * judgement whether a final state lost any of them.
 *
 * <p>
 * An acknowledged write W (a set, delta or delete whose call returned on a Java node) is
 * <em>kept</em> by a state if, for its key:
 * <ul>
 * <li>W is a set or delta and the state holds a version whose metatuple is W's or newer
 * in the merge order (newer second, or the same second and a smaller owner id), or a map
 * holding every field W wrote;</li>
 * <li>W is a delete and the key is absent (final judgement; a live node must be known to
 * have applied this delete or a newer one), or holds a version with a newer
 * metatuple;</li>
 * <li>or an acknowledged write of the same key with a strictly newer metatuple is kept: W
 * was superseded, which is what last-writer-wins means.</li>
 * </ul>
 * The last rule is needed because with leases off a delta is accepted whatever its
 * timestamp and overwrites the metadata (PROTOCOL.md §7.4 rule 3): a key can end with an
 * older metatuple than writes it has absorbed. Two writes of one key by one node in one
 * second share a metatuple; which survives a merge is decided by value bytes
 * ({@link #sameSecondReorders}).
 *
 * <p>
 * A write is <em>lost</em> if the final state does not keep it. Writes whose every copy
 * died with SIGKILLed nodes cannot be kept by anything (nothing is persisted): just
 * before each kill the test asks {@link #excludeUncovered} to drop the writes that no
 * other live node keeps at that moment; they are counted, not judged.
 *
 * <p>
 * Thread-safe (one lock).
 */
final class AckLedger {

	enum Kind {

		SET, DELTA, DELETE

	}

	/**
	 * One acknowledged write.
	 *
	 * @param seq order of acknowledgement
	 * @param node the node (name) that acknowledged it
	 * @param kind what it was
	 * @param version the version it created (a tombstone for a delete)
	 * @param fields the map entries it wrote (delta entries, or the map of a set), else
	 * empty
	 */
	record Ack(long seq, String node, Kind kind, Version version, Map<String, JsonNode> fields) {

		String key() {
			return this.version.key();
		}

	}

	/** A lost write and what the final state held instead. */
	record Lost(Ack ack, @Nullable Version found) {

		@Override
		public String toString() {
			return this.ack.kind() + " " + this.ack.key() + " = " + this.ack.version() + " (acked by " + this.ack.node()
					+ ") but found " + ((this.found != null) ? this.found : "<absent>");
		}

	}

	private final List<Ack> acks = new ArrayList<>();

	private final List<Ack> excluded = new ArrayList<>();

	private long seq;

	/**
	 * Records the reply of a successful write.
	 * @param node the node that acknowledged
	 * @param kind the write
	 * @param key its key
	 * @param reply the node's reply (its result with {@code owner}, {@code ts},
	 * {@code value}/{@code json} or {@code tombstone})
	 * @param written what the client wrote (for a map value or a delta: the fields), else
	 * null
	 * @return the ack, or null for a delete of an absent key (nothing happened)
	 */
	synchronized @Nullable Ack record(String node, Kind kind, String key, JsonNode reply, @Nullable JsonNode written) {
		JsonNode result = reply.path("result");
		if (kind == Kind.DELETE && !result.path("deleted").asBoolean()) {
			return null;
		}
		Version version = new Version(key, result.path("tombstone").asBoolean() ? null : result.path("value").asText(),
				result.path("owner").asText(), result.path("ts").asLong(), result.get("json"));
		Map<String, JsonNode> fields = new LinkedHashMap<>();
		if (written != null && written.isObject()) {
			written.fields().forEachRemaining((field) -> fields.put(field.getKey(), field.getValue()));
		}
		Ack ack = new Ack(++this.seq, node, kind, version, Map.copyOf(fields));
		this.acks.add(ack);
		return ack;
	}

	synchronized List<Ack> acks() {
		return List.copyOf(this.acks);
	}

	synchronized int size() {
		return this.acks.size();
	}

	/** Writes dropped from judgement because every copy died with killed nodes. */
	synchronized int excludedCount() {
		return this.excluded.size();
	}

	/**
	 * Called just before a node is killed, with what every other live Java node holds:
	 * drops the writes none of them keeps (their only copy is on the victim, or in flight
	 * from it).
	 * @param victim the node about to be killed
	 * @return the writes dropped now
	 */
	synchronized List<Ack> excludeUncovered(String victim, Collection<Snapshot> survivors) {
		Set<Ack> covered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
		for (Snapshot survivor : survivors) {
			covered.addAll(kept(all(), survivor, false, Map.of()));
		}
		List<Ack> dropped = new ArrayList<>();
		for (Iterator<Ack> iterator = this.acks.iterator(); iterator.hasNext();) {
			Ack ack = iterator.next();
			if (!covered.contains(ack)) {
				iterator.remove();
				this.excluded.add(ack);
				dropped.add(ack);
			}
		}
		return dropped;
	}

	/**
	 * The acknowledged writes the final state does not keep.
	 * @param finalState the (converged) state to judge
	 * @param all every final snapshot, for the deletions they know of
	 */
	synchronized List<Lost> lost(Snapshot finalState, Collection<Snapshot> all) {
		Map<String, Version> newestDeletion = new java.util.HashMap<>();
		List<Ack> writes = new ArrayList<>(this.acks);
		writes.addAll(this.excluded); // a delete that died may still have won before it
										// did
		for (Ack ack : writes) {
			if (ack.kind() == Kind.DELETE) {
				newestDeletion.merge(ack.key(), ack.version(), AckLedger::newer);
			}
		}
		all.forEach((snapshot) -> snapshot.deletions()
			.values()
			.forEach((deletion) -> newestDeletion.merge(deletion.key(), deletion, AckLedger::newer)));
		// excluded writes are not judged, but one that a state keeps still shows what
		// superseded older ones
		Set<Ack> kept = kept(all(), finalState, true, newestDeletion);
		List<Lost> lost = new ArrayList<>();
		for (Ack ack : this.acks) {
			if (!kept.contains(ack)) {
				lost.add(new Lost(ack, finalState.entries().get(ack.key())));
			}
		}
		return lost;
	}

	private List<Ack> all() {
		List<Ack> all = new ArrayList<>(this.acks);
		all.addAll(this.excluded);
		return all;
	}

	/**
	 * For a failure message: the acknowledged writes of the lost write's key with a newer
	 * metatuple, and whether the final state keeps each directly.
	 */
	synchronized String explain(Lost lost, Snapshot finalState) {
		StringBuilder text = new StringBuilder(lost.toString());
		for (Ack ack : all()) {
			if (ack.key().equals(lost.ack().key()) && compareMeta(ack.version(), lost.ack().version()) > 0) {
				text.append("\n      newer: #")
					.append(ack.seq())
					.append(' ')
					.append(ack.kind())
					.append(" by ")
					.append(ack.node())
					.append(" at ")
					.append(ack.version().ts())
					.append(' ')
					.append(Versions.abbreviate(ack.version().owner()))
					.append(this.excluded.contains(ack) ? " (excluded)" : "")
					.append(keeps(finalState, ack, true, null) ? " kept" : " NOT kept")
					.append(" fields ")
					.append(ack.fields().keySet());
			}
		}
		return text.toString();
	}

	/**
	 * Per key, the newest acknowledged version in the merge order: the one every replica
	 * must end with.
	 */
	synchronized Map<String, Version> expectedWinners() {
		Map<String, Version> winners = new TreeMap<>();
		for (Ack ack : this.acks) {
			winners.merge(ack.key(), ack.version(), (a, b) -> (Versions.compare(b, a) > 0) ? b : a);
		}
		return winners;
	}

	/**
	 * The writes {@code state} keeps: directly ({@link #keeps}), or through a strictly
	 * newer kept write of the same key.
	 */
	private static Set<Ack> kept(List<Ack> acks, Snapshot state, boolean judgement, Map<String, Version> deletions) {
		Map<String, List<Ack>> byKey = new java.util.HashMap<>();
		for (Ack ack : acks) {
			byKey.computeIfAbsent(ack.key(), (key) -> new ArrayList<>()).add(ack);
		}
		Set<Ack> kept = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
		for (List<Ack> history : byKey.values()) {
			history.sort((a, b) -> compareMeta(b.version(), a.version())); // newest first
			boolean newerKept = false;
			int i = 0;
			while (i < history.size()) {
				int j = i;
				boolean groupKept = false;
				while (j < history.size() && compareMeta(history.get(j).version(), history.get(i).version()) == 0) {
					Ack ack = history.get(j);
					if (newerKept || keeps(state, ack, judgement, deletions.get(ack.key()))) {
						kept.add(ack);
						groupKept = true;
					}
					j++;
				}
				newerKept |= groupKept;
				i = j;
			}
		}
		return kept;
	}

	private static Version newer(Version a, Version b) {
		return (Versions.compare(b, a) > 0) ? b : a;
	}

	/**
	 * @param judgement true for the final judgement (an absent key keeps every delete),
	 * false when asking whether a live node holds a copy (it must be known to have
	 * applied the delete)
	 * @param deletion the newest deletion of the key known elsewhere, or null
	 */
	private static boolean keeps(Snapshot state, Ack ack, boolean judgement, @Nullable Version deletion) {
		Version written = ack.version();
		Version held = state.entries().get(ack.key());
		Version applied = state.deletions().get(ack.key());
		if (ack.kind() == Kind.DELETE) {
			if (held != null) {
				return compareMeta(held, written) > 0;
			}
			return judgement || (applied != null && compareMeta(applied, written) >= 0);
		}
		if (held != null) {
			return compareMeta(held, written) >= 0 || held.containsFields(ack.fields());
		}
		return (applied != null && Versions.compare(applied, written) > 0)
				|| (deletion != null && Versions.compare(deletion, written) > 0);
	}

	private static int compareMeta(Version a, Version b) {
		return Versions.compareMeta(new io.syncsocket.Metatuple(a.owner(), a.ts()),
				new io.syncsocket.Metatuple(b.owner(), b.ts()));
	}

	/**
	 * Keys whose final value carries the metadata of a write acknowledged by its node,
	 * but is the value of an earlier write of that node in the same second: two writes of
	 * one key by one node within one second have the same metatuple, and if they meet in
	 * a merge the value bytes decide (one-second timestamps cannot order them). Not
	 * counted as lost; reported.
	 */
	synchronized int sameSecondReorders(Snapshot finalState) {
		Map<String, Ack> last = new java.util.HashMap<>();
		for (Ack ack : this.acks) {
			Version held = finalState.entries().get(ack.key());
			if (held != null && ack.kind() != Kind.DELETE && held.owner().equals(ack.version().owner())
					&& held.ts() == ack.version().ts()) {
				last.put(ack.key(), ack);
			}
		}
		int reorders = 0;
		for (Ack ack : last.values()) {
			if (!java.util.Objects.equals(ack.version().value(), finalState.entries().get(ack.key()).value())
					&& !finalState.entries().get(ack.key()).containsFields(ack.fields())) {
				reorders++;
			}
		}
		return reorders;
	}

}
