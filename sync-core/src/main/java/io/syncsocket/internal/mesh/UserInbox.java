package io.syncsocket.internal.mesh;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.syncsocket.Message;
import io.syncsocket.MessageListener;
import io.syncsocket.internal.wire.Flags;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * User messages received by one node: a bounded queue for {@code recv()} (the oldest is
 * dropped, and counted, when it is full) and the message listeners. Queued under the node
 * lock; read from any thread.
 */
final class UserInbox {

	private final BlockingQueue<Message> queue;

	private final List<MessageListener> listeners;

	private final MeshCounters counters;

	private final Consumer<Runnable> deliver;

	/**
	 * @param listeners the socket's live (thread-safe) list of message listeners
	 * @param deliver runs listener code in commit order ({@link Listeners#deliver})
	 */
	UserInbox(int capacity, List<MessageListener> listeners, MeshCounters counters, Consumer<Runnable> deliver) {
		this.queue = new LinkedBlockingQueue<>(capacity);
		this.listeners = listeners;
		this.counters = counters;
		this.deliver = deliver;
	}

	@Nullable Message poll() {
		return this.queue.poll();
	}

	@Nullable Message poll(long timeout, TimeUnit unit) throws InterruptedException {
		return this.queue.poll(timeout, unit);
	}

	void received(WireMessage wire) {
		// decoded once: the user gets plain values, not the message's decode-on-access
		// view
		List<@Nullable Object> payload = Collections.unmodifiableList(new ArrayList<>(wire.payload()));
		Message message = new Message(wire.sender(), wire.time(), wire.msgType() == Flags.WHISPER,
				payload.subList(1, payload.size()), java.util.HexFormat.of().formatHex(wire.blob(), 0, 32));
		while (!this.queue.offer(message)) {
			if (this.queue.poll() != null) {
				this.counters.userMessagesDropped.increment();
			}
		}
		for (MessageListener listener : this.listeners) {
			this.deliver.accept(() -> listener.onMessage(message));
		}
	}

}
