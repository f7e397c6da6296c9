package io.syncsocket.sample;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncsocket.autoconfigure.SyncKeyDeletedEvent;
import io.syncsocket.autoconfigure.SyncKeyEvent;
import io.syncsocket.autoconfigure.SyncPeerEvent;

import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /kv/events}: a server-sent-events stream of every change to the map
 * ({@code update} / {@code delete}) and of peers joining and leaving ({@code peers}). The
 * starter publishes the events in commit order on the socket's event thread.
 */
@RestController
class ChangeStream implements SmartLifecycle {

	private final List<SseEmitter> clients = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	@GetMapping(path = "/kv/events", produces = "text/event-stream")
	SseEmitter subscribe() {
		SseEmitter emitter = new SseEmitter(0L);
		emitter.onCompletion(() -> this.clients.remove(emitter));
		emitter.onTimeout(() -> this.clients.remove(emitter));
		emitter.onError((ex) -> this.clients.remove(emitter));
		this.clients.add(emitter);
		return emitter;
	}

	@EventListener
	void keyChanged(SyncKeyEvent event) {
		boolean deleted = event instanceof SyncKeyDeletedEvent;
		Map<String, Object> data = KeyValueController.entry(event.getKey(), event.getValue(), event.getMeta());
		data.put("origin", event.getOrigin().name());
		send(deleted ? "delete" : "update", data);
	}

	@EventListener
	void peersChanged(SyncPeerEvent event) {
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("peer", event.getPeer().id());
		data.put("connected", event instanceof io.syncsocket.autoconfigure.SyncPeerConnectedEvent);
		send("peers", data);
	}

	@Override
	public void start() {
		this.running = true;
	}

	/** Ends open streams first, so that graceful shutdown does not wait for them. */
	@Override
	public void stop() {
		this.running = false;
		this.clients.forEach(SseEmitter::complete);
		this.clients.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void send(String name, Object data) {
		for (SseEmitter client : this.clients) {
			try {
				client.send(SseEmitter.event().name(name).data(data));
			}
			catch (IOException | IllegalStateException ex) {
				this.clients.remove(client);
			}
		}
	}

}
