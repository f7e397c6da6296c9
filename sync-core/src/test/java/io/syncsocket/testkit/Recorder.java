package io.syncsocket.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncsocket.Metatuple;
import io.syncsocket.SyncEntry;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncSocket;
import io.syncsocket.internal.wire.Msgpack;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link JavaNode} started with {@code --record true} remembers for the fault
 * tests: the version each of its own writes created, the newest deletion per key, and the
 * last changes per key (diagnostics). Listener calls come from the node loop; commands
 * read from the main thread.
 *
 * <p>
 * A write's reply is sent after the socket call returned, i.e. once the write is applied
 * locally and its broadcast handed to the links: that is "acknowledged to a client". It
 * carries the version that write created, taken from the local {@link SyncEvent} of the
 * call (listener deliveries are queued in commit order, so the node waits for that
 * event), so that a remote change arriving right after it cannot be mistaken for it.
 */
final class Recorder implements SyncListener {

	private static final Duration LOCAL_EVENT_TIMEOUT = Duration.ofSeconds(10);

	private static final int HISTORY = 20;

	/** Changes made by calls on this node, in commit order. */
	private final BlockingQueue<SyncEvent> localEvents = new LinkedBlockingQueue<>();

	/** Per key, the last changes this node applied (type, origin, metadata). */
	private final Map<String, Deque<String>> history = new ConcurrentHashMap<>();

	/**
	 * Per key, the newest deletion this node applied (any origin): what it knows was
	 * deleted.
	 */
	private final Map<String, Metatuple> deletions = new ConcurrentHashMap<>();

	@Override
	public void onUpdate(SyncEvent event) {
		remember(event);
		if (event.origin() == SyncEvent.Origin.LOCAL) {
			this.localEvents.add(event);
		}
	}

	@Override
	public void onDelete(SyncEvent event) {
		remember(event);
		this.deletions.merge(event.key(), event.meta(), (old, fresh) -> (newer(fresh, old)) ? fresh : old);
		if (event.origin() == SyncEvent.Origin.LOCAL) {
			this.localEvents.add(event);
		}
	}

	/**
	 * The version the write just made on {@code key} created: {@code owner}, {@code ts},
	 * and {@code value} (msgpack hex) with {@code json}, or {@code tombstone}.
	 */
	ObjectNode version(String key, ObjectNode result) {
		SyncEvent event = localEvent(key);
		result.put("owner", event.meta().owner()).put("ts", event.meta().timestamp());
		Object value = event.value();
		if (value == null) {
			result.put("tombstone", true);
		}
		else {
			result.put("value", HexFormat.of().formatHex(Msgpack.encode(value))).set("json", json(value));
		}
		return result;
	}

	/** Entries (value as msgpack hex and JSON, metadata) and known deletions. */
	ObjectNode snapshot(SyncSocket socket) {
		ObjectNode result = ChildLoop.object();
		ArrayNode entries = result.putArray("entries");
		for (SyncEntry entry : socket.items()) {
			entries.addObject()
				.put("k", entry.key())
				.put("v", HexFormat.of().formatHex(Msgpack.encode(entry.value())))
				.put("o", entry.meta().owner())
				.put("t", entry.meta().timestamp())
				.set("j", json(entry.value()));
		}
		ArrayNode deleted = result.putArray("deleted");
		this.deletions.forEach(
				(key, meta) -> deleted.addObject().put("k", key).put("o", meta.owner()).put("t", meta.timestamp()));
		return result;
	}

	ObjectNode history(String key) {
		ObjectNode result = ChildLoop.object();
		ArrayNode changes = result.putArray("changes");
		Deque<String> recorded = this.history.get(key);
		if (recorded != null) {
			synchronized (recorded) {
				recorded.forEach(changes::add);
			}
		}
		return result;
	}

	private void remember(SyncEvent event) {
		Deque<String> changes = this.history.computeIfAbsent(event.key(), (key) -> new ArrayDeque<>());
		synchronized (changes) {
			if (changes.size() == HISTORY) {
				changes.removeFirst();
			}
			Object value = event.value();
			String owner = event.meta().owner();
			changes.addLast(
					event.type() + " " + event.origin() + " " + ((owner.length() > 8) ? owner.substring(0, 8) : owner)
							+ "@" + event.meta().timestamp() + ((value != null) ? " " + json(value) : ""));
		}
	}

	/** The event of the write just made (deliveries are queued in commit order). */
	private SyncEvent localEvent(String key) {
		try {
			SyncEvent event = this.localEvents.poll(LOCAL_EVENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			if (event == null || !event.key().equals(key)) {
				throw new IllegalStateException("expected the local event of '" + key + "', got " + event);
			}
			return event;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted", ex);
		}
	}

	/** The merge order on metadata: the newer second, then the smaller owner id. */
	private static boolean newer(Metatuple a, Metatuple b) {
		if (a.timestamp() != b.timestamp()) {
			return a.timestamp() > b.timestamp();
		}
		return a.owner().compareTo(b.owner()) < 0;
	}

	/** A JSON view of a value: maps with text keys, bin as hex. */
	static JsonNode json(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return ChildLoop.mapper().getNodeFactory().textNode(HexFormat.of().formatHex(bytes));
		}
		if (value instanceof Map<?, ?> map) {
			ObjectNode node = ChildLoop.object();
			map.forEach((k, v) -> node
				.set((k instanceof byte[] b) ? new String(b, StandardCharsets.UTF_8) : String.valueOf(k), json(v)));
			return node;
		}
		if (value instanceof List<?> list) {
			ArrayNode node = ChildLoop.mapper().createArrayNode();
			list.forEach((v) -> node.add(json(v)));
			return node;
		}
		return ChildLoop.mapper().valueToTree(value);
	}

}
