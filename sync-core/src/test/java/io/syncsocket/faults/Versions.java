package io.syncsocket.faults;

import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.Metatuple;
import org.jspecify.annotations.Nullable;

/**
 * Versions of keys as the fault tests see them from outside a node, and the merge order
 * syncsocket uses when full states meet (the order of {@code LeaseRule.wins}, restated
 * here because the tests judge the nodes from the outside): newer timestamp first, then
 * the smaller owner id, then a deletion over a value, then the larger value bytes
 * (unsigned).
 */
final class Versions {

	private Versions() {
	}

	/**
	 * One version of a key.
	 *
	 * @param key the key
	 * @param value the value as msgpack hex, or null for a deletion (tombstone)
	 * @param owner who wrote it
	 * @param ts when (unix seconds)
	 * @param json the value as JSON (maps with text keys), or null for a deletion
	 */
	record Version(String key, @Nullable String value, String owner, long ts, @Nullable JsonNode json) {

		Version {
			Objects.requireNonNull(key, "'key' must not be null");
			Objects.requireNonNull(owner, "'owner' must not be null");
		}

		boolean isTombstone() {
			return this.value == null;
		}

		/**
		 * Value and metadata, as {@code TestSockets.snapshot} renders an entry: equal
		 * strings = identical replicas.
		 */
		String render() {
			return this.value + " " + new Metatuple(this.owner, this.ts);
		}

		/**
		 * Whether this is a map holding every one of {@code fields} with the same value.
		 */
		boolean containsFields(Map<String, JsonNode> fields) {
			if (this.json == null || !this.json.isObject() || fields.isEmpty()) {
				return false;
			}
			for (Map.Entry<String, JsonNode> field : fields.entrySet()) {
				if (!field.getValue().equals(this.json.get(field.getKey()))) {
					return false;
				}
			}
			return true;
		}

		@Override
		public String toString() {
			String text = (this.json != null) ? this.json.toString() : "<deleted>";
			return text + " by " + abbreviate(this.owner) + " at " + this.ts;
		}

	}

	/**
	 * The merge order: positive if {@code a} replaces {@code b} when their nodes exchange
	 * state.
	 */
	static int compare(Version a, Version b) {
		if (a.ts() != b.ts()) {
			return Long.compare(a.ts(), b.ts());
		}
		int owners = a.owner().compareTo(b.owner());
		if (owners != 0) {
			return -owners; // the smaller id wins a tie (PROTOCOL.md §7.4 rule 5)
		}
		if (a.isTombstone() != b.isTombstone()) {
			return a.isTombstone() ? 1 : -1;
		}
		if (a.isTombstone()) {
			return 0;
		}
		return java.util.Arrays.compareUnsigned(HexFormat.of().parseHex(Objects.requireNonNull(a.value())),
				HexFormat.of().parseHex(Objects.requireNonNull(b.value())));
	}

	/** The merge order on metadata alone. */
	static int compareMeta(Metatuple a, Metatuple b) {
		if (a.timestamp() != b.timestamp()) {
			return Long.compare(a.timestamp(), b.timestamp());
		}
		return -a.owner().compareTo(b.owner());
	}

	static String abbreviate(String id) {
		return (id.length() > 8) ? id.substring(0, 8) : id;
	}

	/**
	 * What one node held at one moment: its entries, and the newest deletion it applied
	 * per key (tombstones themselves are not visible through the API).
	 */
	record Snapshot(String node, Map<String, Version> entries, Map<String, Version> deletions) {

		static Snapshot parse(String node, JsonNode reply) {
			Map<String, Version> entries = new TreeMap<>();
			for (JsonNode entry : reply.path("entries")) {
				String key = entry.path("k").asText();
				entries.put(key, new Version(key, entry.path("v").asText(), entry.path("o").asText(),
						entry.path("t").asLong(), entry.path("j")));
			}
			Map<String, Version> deletions = new TreeMap<>();
			for (JsonNode deletion : reply.path("deleted")) {
				String key = deletion.path("k").asText();
				deletions.put(key,
						new Version(key, null, deletion.path("o").asText(), deletion.path("t").asLong(), null));
			}
			return new Snapshot(node, Collections.unmodifiableMap(entries), Collections.unmodifiableMap(deletions));
		}

		/**
		 * Key → rendered version: equal maps mean identical dictionaries (values and
		 * metadata).
		 */
		Map<String, String> rendered() {
			Map<String, String> rendered = new TreeMap<>();
			this.entries.forEach((key, version) -> rendered.put(key, version.render()));
			return rendered;
		}

	}

	/**
	 * The keys not held identically by every snapshot, each with what every node holds:
	 * for failure messages.
	 */
	static String describeDifferences(List<Snapshot> snapshots) {
		java.util.Set<String> keys = new java.util.TreeSet<>();
		snapshots.forEach((snapshot) -> keys.addAll(snapshot.entries().keySet()));
		StringBuilder text = new StringBuilder();
		for (String key : keys) {
			java.util.Set<String> versions = new java.util.HashSet<>();
			snapshots.forEach((snapshot) -> versions.add(String.valueOf(snapshot.entries().get(key))));
			if (versions.size() > 1) {
				text.append("\n  ").append(key).append(':');
				snapshots.forEach((snapshot) -> text.append("\n    ")
					.append(snapshot.node())
					.append(" = ")
					.append((snapshot.entries().get(key) != null) ? snapshot.entries().get(key) : "<absent>")
					.append((snapshot.deletions().get(key) != null) ? " (deleted " + snapshot.deletions().get(key) + ")"
							: ""));
			}
		}
		return text.toString();
	}

	/**
	 * How many keys are not held identically (same value and metadata, or absent) by
	 * every snapshot.
	 */
	static int divergentKeys(Iterable<Snapshot> snapshots) {
		Iterator<Snapshot> iterator = snapshots.iterator();
		if (!iterator.hasNext()) {
			return 0;
		}
		Map<String, String> first = iterator.next().rendered();
		java.util.Set<String> divergent = new java.util.TreeSet<>();
		java.util.Set<String> keys = new java.util.TreeSet<>(first.keySet());
		java.util.List<Map<String, String>> others = new java.util.ArrayList<>();
		iterator.forEachRemaining((snapshot) -> others.add(snapshot.rendered()));
		others.forEach((other) -> keys.addAll(other.keySet()));
		for (String key : keys) {
			for (Map<String, String> other : others) {
				if (!Objects.equals(first.get(key), other.get(key))) {
					divergent.add(key);
				}
			}
		}
		return divergent.size();
	}

}
