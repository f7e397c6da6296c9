package io.syncsocket.faults;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A client thread that writes to one node as fast as the node acknowledges, and records
 * every acknowledged write in an {@link AckLedger}. Write {@code i} is produced by a
 * function of {@code i}. A failed write (e.g. the node was killed) ends the stream only
 * when {@code stopOnFailure}; otherwise it is counted and the stream goes on.
 */
final class WriteStream implements AutoCloseable {

	private static final ObjectMapper mapper = new ObjectMapper();

	/**
	 * One write.
	 *
	 * @param kind set, delta or delete
	 * @param key the key
	 * @param value the value (set) or the delta map (delta); null for a delete
	 */
	record Write(AckLedger.Kind kind, String key, @Nullable Object value) {

		static Write set(String key, Object value) {
			return new Write(AckLedger.Kind.SET, key, value);
		}

		static Write delta(String key, Map<String, ?> delta) {
			return new Write(AckLedger.Kind.DELTA, key, delta);
		}

		static Write delete(String key) {
			return new Write(AckLedger.Kind.DELETE, key, null);
		}

	}

	private final Supplier<FaultNode> node;

	private final AckLedger ledger;

	private final IntFunction<Write> writes;

	private final Thread thread;

	private final AtomicInteger acked = new AtomicInteger();

	private final AtomicInteger failed = new AtomicInteger();

	private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

	private volatile boolean stopped;

	/**
	 * @param name thread name
	 * @param node the node to write to (looked up for each write, so a slot's restarted
	 * process is used)
	 */
	WriteStream(String name, Supplier<FaultNode> node, AckLedger ledger, IntFunction<Write> writes) {
		this.node = node;
		this.ledger = ledger;
		this.writes = writes;
		this.thread = new Thread(this::run, name);
		this.thread.setDaemon(true);
	}

	WriteStream start() {
		this.thread.start();
		return this;
	}

	private void run() {
		for (int i = 0; !this.stopped; i++) {
			Write write = this.writes.apply(i);
			try {
				FaultNode target = this.node.get();
				JsonNode reply = switch (write.kind()) {
					case SET -> target.set(write.key(), Objects.requireNonNull(write.value()));
					case DELTA -> target.delta(write.key(), write.value());
					case DELETE -> target.del(write.key());
				};
				if (reply.path("ok").asBoolean()) {
					this.ledger.record(target.name(), write.kind(), write.key(), reply,
							(write.value() != null) ? mapper.valueToTree(write.value()) : null);
					this.acked.incrementAndGet();
				}
				else {
					this.failed.incrementAndGet();
				}
			}
			catch (AssertionError | RuntimeException ex) {
				this.failed.incrementAndGet();
				this.failure.compareAndSet(null, ex);
			}
		}
	}

	int acked() {
		return this.acked.get();
	}

	int failed() {
		return this.failed.get();
	}

	@Nullable Throwable firstFailure() {
		return this.failure.get();
	}

	/** Waits (bounded) until {@code more} further writes were acknowledged. */
	void awaitMoreAcks(int more, Duration atMost) {
		int target = acked() + more;
		await().atMost(atMost).until(() -> acked() >= target);
	}

	/** Stops after the write in progress and waits (at most 15 s) for the thread. */
	@Override
	public void close() {
		this.stopped = true;
		try {
			this.thread.join(15_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
