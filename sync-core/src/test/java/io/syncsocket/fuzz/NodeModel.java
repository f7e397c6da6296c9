package io.syncsocket.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

import io.syncsocket.LinkFault;
import io.syncsocket.Metatuple;
import io.syncsocket.SyncSocket;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * A reference model of what a leasing SyncSocket node does with the messages one link
 * delivers (PROTOCOL.md §5–7, with the Java node's documented choices): which messages
 * are ignored, which fault and close the link, and how valid stores and deltas change the
 * dictionary — the lease predicate of §7.4 for live changes, the merge order for
 * full-state entries, tombstones for deletes, the 60-second broadcast age limit and the
 * seen set.
 *
 * <p>
 * Written from the protocol text and the documented choices of {@code SyncEngine} (merge
 * order {@code LeaseRule.wins}, tombstones that a live change must beat in that order, a
 * nil delta key compared as "null"), not from the node's code, so that the fuzz suite can
 * assert that the node's dictionary equals the model's after every case. Also tracks
 * which keys the well-behaved second peer cannot know (changes the node does not pass
 * on), so the two dictionaries can be compared key by key before a final full state
 * exchange.
 *
 * <p>
 * Confined to the test thread.
 */
final class NodeModel {

	/**
	 * A version of a key: the msgpack bytes stored (null for a tombstone), owner,
	 * timestamp.
	 */
	record Version(byte @Nullable [] value, String owner, long timestamp) {

		boolean tombstone() {
			return this.value == null;
		}

	}

	/** What one link has told the node so far. */
	static final class Link {

		@Nullable String peerId;

		/** The closing fault the model predicts, once the link is closed. */
		@Nullable LinkFault closedBy;

		/** Fault counts this link has caused, by kind. */
		final Map<LinkFault, Long> faults = new EnumMap<>(LinkFault.class);

		boolean handshaken() {
			return this.peerId != null;
		}

		boolean closed() {
			return this.closedBy != null;
		}

		void fault(LinkFault fault) {
			this.faults.merge(fault, 1L, Long::sum);
			if (fault.closesLink()) {
				this.closedBy = fault;
			}
		}

	}

	private static final int MAX_AGE_SECONDS = 60;

	private static final long LEASE_SECONDS = 3600;

	private final String nodeId;

	private final String protocolId;

	private final String goodPeerId;

	/**
	 * Ids whose handshake on a fuzz link the model cannot predict (an existing route
	 * would be replaced).
	 */
	private final Set<String> reservedIds;

	private final Map<String, Version> data = new HashMap<>();

	private final Map<String, Version> tombstones = new HashMap<>();

	private final Set<String> seen = new HashSet<>();

	/** Keys whose node version the good peer was never sent (hex of the key bytes). */
	private final Set<String> divergent = new HashSet<>();

	/** The last decisions per key, for failure messages. */
	private final Map<String, Deque<String>> history = new HashMap<>();

	NodeModel(String nodeId, String protocolId, String goodPeerId, Set<String> reservedIds) {
		this.nodeId = nodeId;
		this.protocolId = protocolId;
		this.goodPeerId = goodPeerId;
		this.reservedIds = reservedIds;
	}

	// ---------------------------------------------------------------- mesh (§5, §6)

	/**
	 * Processes one message delivered on {@code link}, unless the link is already closed.
	 * @param now the node's clock in whole seconds
	 */
	void receive(Link link, WireMessage message, long now) {
		if (link.closed()) {
			return;
		}
		int type = message.msgType();
		if (type != 0 && type != 1 && type != 2) {
			link.fault(LinkFault.UNKNOWN_FLAG);
			return;
		}
		int subFlag = message.subFlag();
		if (type != 1 && subFlag == 0x05) {
			if (!link.handshaken()) {
				handshake(link, message);
			}
			return;
		}
		if (!link.handshaken()) {
			link.fault(LinkFault.MESSAGE_BEFORE_HANDSHAKE);
			return;
		}
		if (type == 1) {
			renegotiate(link, message);
			return;
		}
		if (type == 0) {
			// a broadcast of a directly connected peer that another link relays is left
			// to the author's own link (the raw fuzz peer claiming the good peer as
			// author)
			if (message.sender().equals(this.goodPeerId) && !this.goodPeerId.equals(link.peerId)) {
				return;
			}
			if (message.time() < now - MAX_AGE_SECONDS) {
				return;
			}
			if (!this.seen.add(HexFormat.of().formatHex(message.blob(), 0, 32) + "@" + message.time())) {
				return;
			}
		}
		switch (subFlag) {
			case 0x07 -> {
				if (message.packetCount() < 2 || !(message.packet(1) instanceof List<?>)) {
					link.fault(LinkFault.INVALID_MESSAGE);
				}
			}
			case 0x08 -> {
				boolean all = message.packetCount() == 2 && "*".equals(MessageCodec.nodeIdText(message.packet(1)));
				boolean route = message.packetCount() == 3 && type == 0;
				if (!all && !route) {
					link.fault(LinkFault.INVALID_MESSAGE);
				}
			}
			case 0x0A, 0x00, 0x02 -> {
				// a route response (ignored) or a user message (queued)
			}
			case 0x0B -> store(link, message, now);
			case 0x11 -> delta(link, message, now);
			default -> link.fault(LinkFault.UNKNOWN_FLAG);
		}
	}

	private void handshake(Link link, WireMessage message) {
		List<@Nullable Object> p = message.payload();
		if (p.size() != 5) {
			link.fault(LinkFault.IGNORED_HANDSHAKE);
			return;
		}
		String peerId = MessageCodec.nodeIdText(p.get(1));
		String protocol = MessageCodec.nodeIdText(p.get(2));
		if (peerId == null || peerId.isEmpty() || protocol == null || !isAddress(p.get(3))
				|| !isCompressionList(p.get(4))) {
			link.fault(LinkFault.INVALID_HANDSHAKE);
			return;
		}
		if (!protocol.equals(this.protocolId)) {
			link.fault(LinkFault.PROTOCOL_MISMATCH);
			return;
		}
		if (peerId.equals(this.nodeId)) {
			link.fault(LinkFault.SELF_CONNECTION);
			return;
		}
		if (this.reservedIds.contains(peerId) || peerId.equals(this.goodPeerId)) {
			throw new IllegalStateException("generator bug: a fuzz handshake claims the connected peer id " + peerId);
		}
		link.peerId = peerId;
	}

	private static boolean isAddress(@Nullable Object value) {
		if (!(value instanceof List<?> pair) || pair.size() != 2 || !(pair.get(1) instanceof Long port) || port < 0
				|| port > 65535) {
			return false;
		}
		String host = MessageCodec.nodeIdText(pair.get(0));
		return host != null && !host.isEmpty();
	}

	private static boolean isCompressionList(@Nullable Object value) {
		return value instanceof List<?> list && list.stream().allMatch((element) -> element instanceof Long);
	}

	private static void renegotiate(Link link, WireMessage message) {
		int subFlag = message.subFlag();
		if (subFlag == 0x01 && message.packetCount() == 2) {
			if (!isCompressionList(message.packet(1))) {
				link.fault(LinkFault.INVALID_MESSAGE);
			}
		}
		else if (subFlag != 0x09) {
			link.fault(LinkFault.UNKNOWN_FLAG);
		}
	}

	// ---------------------------------------------------------------- sync (§7)

	private void store(Link link, WireMessage message, long now) {
		int count = message.packetCount();
		String key = (count == 3 || count == 5) ? key(message.packet(1)) : null;
		if (key == null) {
			link.fault(LinkFault.INVALID_MESSAGE);
			return;
		}
		byte[] raw = message.rawPacket(2);
		byte[] value = (raw.length == 1 && raw[0] == (byte) 0xc0) ? null : raw;
		boolean whisper = message.msgType() == 2;
		if (count == 3) {
			// A live change the node does not pass on to the good peer (a whisper, or a
			// broadcast claiming the good peer as author) makes the two differ on this
			// key from now on.
			boolean applied = applyLive(key, new Version(value, message.sender(), message.time()), now);
			note(key, applied ? "live store applied" : "live store rejected", message);
			if (applied && (whisper || message.sender().equals(this.goodPeerId))) {
				this.divergent.add(key);
			}
			return;
		}
		String owner = MessageCodec.nodeIdText(message.packet(3));
		Long timestamp = MessageCodec.timeValue(message.packet(4));
		if (owner == null || timestamp == null) {
			link.fault(LinkFault.INVALID_MESSAGE);
			return;
		}
		// A changed full-state whisper is re-broadcast by the node; a 5-packet broadcast
		// is relayed as it is, except to its author.
		boolean merged = merge(key, new Version(value, owner, timestamp));
		note(key, merged ? "state entry merged" : "state entry lost", message);
		if (merged && !whisper && message.sender().equals(this.goodPeerId)) {
			this.divergent.add(key);
		}
	}

	private void delta(Link link, WireMessage message, long now) {
		if (message.packetCount() != 3 || !(message.packet(2) instanceof Map<?, ?> delta)) {
			link.fault(LinkFault.INVALID_MESSAGE);
			return;
		}
		String key = key(message.packet(1));
		if (key == null) {
			link.fault(LinkFault.INVALID_MESSAGE);
			return;
		}
		Version current = this.data.get(key);
		Version tombstone = this.tombstones.get(key);
		if (current == null && tombstone != null
				&& !wins(new Version(null, message.sender(), message.time()), tombstone)) {
			note(key, "delta loses to the tombstone", message);
			return;
		}
		if (laggingCopy(current, new Version(null, message.sender(), message.time()))) {
			note(key, "delta older than the owner's version", message);
			return;
		}
		if (!allows(current, message.sender(), message.time(), true, now)) {
			note(key, "delta rejected by the lease", message);
			return;
		}
		Map<Object, @Nullable Object> merged = new LinkedHashMap<>();
		if (current != null) {
			Object stored = Msgpack.decode(Objects.requireNonNull(current.value));
			if (!(stored instanceof Map<?, ?> map)) {
				note(key, "delta onto a non-map ignored", message);
				return; // a delta onto a non-map is ignored (§7.3)
			}
			merged.putAll(map);
		}
		note(key, "delta applied", message);
		for (Map.Entry<?, ?> entry : delta.entrySet()) {
			String text = keyText(entry.getKey());
			merged.keySet().removeIf((existing) -> keyText(existing).equals(text));
			merged.put(entry.getKey(), entry.getValue());
		}
		update(key, new Version(Msgpack.encode(merged), message.sender(), message.time()));
		if (message.msgType() == 2 || message.sender().equals(this.goodPeerId)) {
			this.divergent.add(key);
		}
	}

	/**
	 * Map keys compared as text (§7.3): bin as UTF-8, anything else as its string form.
	 */
	private static String keyText(@Nullable Object key) {
		return (key instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(key);
	}

	/**
	 * A live change (3-packet store): the lease predicate; onto a deleted key only if it
	 * wins against the tombstone in the merge order (newer, or the same second from a
	 * smaller owner).
	 * @return whether it passed both checks (the value, or a tombstone, was recorded)
	 */
	private boolean applyLive(String key, Version candidate, long now) {
		Version current = this.data.get(key);
		Version tombstone = this.tombstones.get(key);
		if (current == null && tombstone != null && !wins(candidate, tombstone)) {
			return false;
		}
		if (laggingCopy(current, candidate)) {
			return false;
		}
		if (!allows(current, candidate.owner, candidate.timestamp, false, now)) {
			return false;
		}
		if (candidate.tombstone()) {
			if (current != null) {
				this.data.remove(key);
			}
			remember(key, candidate);
			return true;
		}
		update(key, candidate);
		return true;
	}

	/**
	 * A full-state entry: merged by the total order. @return whether the model changed
	 */
	private boolean merge(String key, Version candidate) {
		Version current = this.data.get(key);
		Version existing = (current != null) ? current : this.tombstones.get(key);
		if (existing != null && !wins(candidate, existing)) {
			return false;
		}
		if (candidate.tombstone()) {
			if (current != null) {
				this.data.remove(key);
			}
			remember(key, candidate);
			return true;
		}
		update(key, candidate);
		return true;
	}

	private void update(String key, Version version) {
		this.data.put(key, version);
		this.tombstones.remove(key);
	}

	private void remember(String key, Version tombstone) {
		Version previous = this.tombstones.get(key);
		if (previous == null || wins(tombstone, previous)) {
			this.tombstones.put(key, tombstone);
		}
	}

	/**
	 * A node's own versions only move forward: an older live change of the current owner
	 * is a lagging copy.
	 */
	private static boolean laggingCopy(@Nullable Version current, Version candidate) {
		return current != null && current.owner.equals(candidate.owner) && candidate.timestamp < current.timestamp;
	}

	/**
	 * PROTOCOL.md §7.4 with L on (so rules 3 and 6, and with them {@code delta}, never
	 * apply).
	 */
	private static boolean allows(@Nullable Version old, String owner, long timestamp, boolean delta, long now) {
		if (old == null || old.owner.equals(owner)) {
			return true;
		}
		if (old.timestamp < now - LEASE_SECONDS) {
			return true;
		}
		return old.timestamp == timestamp && old.owner.compareTo(owner) > 0;
	}

	/**
	 * The merge order: newer, then the smaller owner, then a deletion, then the larger
	 * value bytes.
	 */
	private static boolean wins(Version candidate, Version current) {
		if (candidate.timestamp != current.timestamp) {
			return candidate.timestamp > current.timestamp;
		}
		int owners = candidate.owner.compareTo(current.owner);
		if (owners != 0) {
			return owners < 0;
		}
		if (candidate.tombstone() != current.tombstone()) {
			return candidate.tombstone();
		}
		return !candidate.tombstone() && Arrays.compareUnsigned(Objects.requireNonNull(candidate.value),
				Objects.requireNonNull(current.value)) > 0;
	}

	private static @Nullable String key(@Nullable Object packet) {
		if (packet instanceof byte[] bytes) {
			return HexFormat.of().formatHex(bytes);
		}
		if (packet instanceof String text) {
			return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
		}
		return null;
	}

	private void note(String key, String decision, WireMessage message) {
		Deque<String> lines = this.history.computeIfAbsent(key, (k) -> new ArrayDeque<>());
		lines.addLast(decision + ": [" + message.msgType() + ", " + message.sender() + ", " + message.time() + ", "
				+ message.packetCount() + " packets"
				+ ((message.packetCount() == 5)
						? ", owner " + MessageCodec.nodeIdText(message.packet(3)) + ", ts " + message.packet(4) : "")
				+ "] value " + Frames.hexPrefix(message.rawPacket(Math.min(2, message.packetCount() - 1)), 24));
		while (lines.size() > 12) {
			lines.removeFirst();
		}
	}

	/** The model's recent decisions on a key (hex), oldest first. */
	List<String> history(String key) {
		return List.copyOf(this.history.getOrDefault(key, new ArrayDeque<>()));
	}

	// ---------------------------------------------------------------- changes made
	// through the API

	/**
	 * A value the node or the good peer wrote with {@code set}, as that socket reports
	 * it.
	 */
	void written(String key, Object value, Metatuple meta) {
		update(HexFormat.of().formatHex(key.getBytes(StandardCharsets.UTF_8)),
				new Version(Msgpack.encode(value), meta.owner(), meta.timestamp()));
	}

	// ---------------------------------------------------------------- comparison

	/**
	 * The model's dictionary: key (hex) to canonical value bytes, owner and timestamp.
	 */
	Map<String, String> snapshot() {
		Map<String, String> snapshot = new TreeMap<>();
		this.data.forEach((key, version) -> snapshot.put(key,
				describe(Msgpack.decode(Objects.requireNonNull(version.value)), version.owner, version.timestamp)));
		return snapshot;
	}

	/** A socket's dictionary in the same form. */
	static Map<String, String> snapshot(SyncSocket socket) {
		Map<String, String> snapshot = new TreeMap<>();
		for (byte[] key : socket.rawKeys()) {
			Object value = socket.get(key);
			Metatuple meta = socket.meta(key);
			if (value == null || meta == null) {
				continue; // removed between the listing and the read
			}
			snapshot.put(HexFormat.of().formatHex(key), describe(value, meta.owner(), meta.timestamp()));
		}
		return snapshot;
	}

	/** Canonical re-encoding of a decoded value, with its metadata. */
	private static String describe(@Nullable Object value, String owner, long timestamp) {
		return Frames.hexPrefix(Msgpack.encode(value), 2048) + " by " + owner + " @" + timestamp;
	}

	/** Keys (hex) whose latest version the good peer cannot have received. */
	Set<String> divergentKeys() {
		return Set.copyOf(this.divergent);
	}

	int size() {
		return this.data.size();
	}

	int tombstoneCount() {
		return this.tombstones.size();
	}

}
