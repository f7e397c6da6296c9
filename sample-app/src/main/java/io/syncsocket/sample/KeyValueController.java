package io.syncsocket.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.syncsocket.LeaseHeldException;
import io.syncsocket.WriteRejectedException;
import io.syncsocket.Metatuple;
import io.syncsocket.Peer;
import io.syncsocket.SyncEntry;
import io.syncsocket.SyncSocket;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The map over HTTP: {@code PUT /kv/{key}} (the body is the value, as text), {@code GET
 * /kv/{key}}, {@code DELETE /kv/{key}}, {@code GET /kv} (everything, with metatuples) and
 * {@code GET /peers}.
 */
@RestController
class KeyValueController {

	private final SyncSocket sync;

	KeyValueController(SyncSocket sync) {
		this.sync = sync;
	}

	@PutMapping(path = "/kv/{key}", consumes = MediaType.ALL_VALUE)
	ResponseEntity<Map<String, Object>> put(@PathVariable String key, @RequestBody(required = false) String body) {
		this.sync.set(key, (body != null) ? body : "");
		return ResponseEntity.ok(entry(key, this.sync.get(key), this.sync.meta(key)));
	}

	/**
	 * Text values come back as text/plain; maps, numbers, arrays (from deltas or js2p
	 * peers) as JSON.
	 */
	@GetMapping("/kv/{key}")
	ResponseEntity<?> get(@PathVariable String key) {
		Object value = this.sync.get(key);
		if (value == null) {
			return ResponseEntity.notFound().build();
		}
		if (value instanceof String text) {
			return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(text);
		}
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(value);
	}

	@DeleteMapping("/kv/{key}")
	ResponseEntity<Void> delete(@PathVariable String key) {
		boolean present = this.sync.containsKey(key);
		this.sync.del(key);
		return present ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
	}

	@GetMapping("/kv")
	Map<String, Map<String, Object>> all() {
		Map<String, Map<String, Object>> all = new TreeMap<>();
		for (SyncEntry entry : this.sync.items()) {
			all.put(entry.key(), entry(entry.key(), entry.value(), entry.meta()));
		}
		return all;
	}

	@GetMapping("/peers")
	Map<String, Object> peers() {
		Map<String, Object> result = new LinkedHashMap<>();
		result.put("id", this.sync.id());
		result.put("address",
				this.sync.advertisedAddress().getHostString() + ":" + this.sync.advertisedAddress().getPort());
		List<Map<String, Object>> peers = this.sync.peers().stream().map(KeyValueController::describe).toList();
		result.put("peers", peers);
		// the page shows lease ends only when leases are enforced
		result.put("leasing", this.sync.leasing().name());
		return result;
	}

	/**
	 * 409 with the node whose version refused the write (and, for a lease, when it ends).
	 */
	@ExceptionHandler(WriteRejectedException.class)
	ResponseEntity<Map<String, Object>> writeRejected(WriteRejectedException ex) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("error", (ex instanceof LeaseHeldException) ? "lease held by another node" : ex.getMessage());
		body.put("key", ex.key());
		body.put("owner", ex.owner());
		if (ex instanceof LeaseHeldException lease) {
			body.put("leaseEnds", lease.leaseEnds().toString());
		}
		return ResponseEntity.status(HttpStatus.CONFLICT).body(body);
	}

	static Map<String, @Nullable Object> entry(String key, @Nullable Object value, @Nullable Metatuple meta) {
		Map<String, @Nullable Object> entry = new LinkedHashMap<>();
		entry.put("key", key);
		entry.put("value", value);
		entry.put("owner", (meta != null) ? meta.owner() : null);
		entry.put("timestamp", (meta != null) ? meta.timestamp() : null);
		return entry;
	}

	private static Map<String, Object> describe(Peer peer) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("id", peer.id());
		described.put("address", peer.address().getHostString() + ":" + peer.address().getPort());
		described.put("direction", peer.direction().name());
		described.put("dialect", peer.dialect().name());
		described.put("connectedSince", peer.connectedSince().toString());
		return described;
	}

}
