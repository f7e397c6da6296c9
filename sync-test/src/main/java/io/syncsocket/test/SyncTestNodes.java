package io.syncsocket.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Extra syncsocket nodes for a JUnit 5 test: a peer for the application under test, or a
 * small mesh of its own. Every node listens on 127.0.0.1 on a free port and is closed
 * after the test (in reverse order). Register it as an instance field:
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * final SyncTestNodes nodes = new SyncTestNodes();
 *
 * &#64;Test
 * void flagsReachOtherInstances(&#64;Value("${local.sync.port}") int port) {
 *     SyncSocket peer = this.nodes.joining(port); // connected, the application's map received
 *     this.flags.enable("dark-mode");
 *     this.nodes.awaitValue(peer, "feature.dark-mode", true);
 * }
 * </pre>
 *
 * Waits are bounded by {@link #timeout(Duration)} (10 s by default) and fail with an
 * {@link AssertionError} that says what was awaited.
 */
public final class SyncTestNodes implements AfterEachCallback, AutoCloseable {

	/** How long the waits of a new instance are bounded by. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private static final long POLL_MILLIS = 10;

	private final List<SyncSocket> started = new ArrayList<>();

	private Duration timeout = DEFAULT_TIMEOUT;

	/** Bounds every wait of this instance; returns it. */
	public SyncTestNodes timeout(Duration timeout) {
		Objects.requireNonNull(timeout, "'timeout' must not be null");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
		}
		this.timeout = timeout;
		return this;
	}

	/** A node of its own, with the library's defaults (leasing on). */
	public SyncSocket start() {
		return start((options) -> {
		});
	}

	/**
	 * A node of its own whose options {@code customizer} adjusts (leasing, protocol, a
	 * clock ...); it listens on 127.0.0.1 on a free port unless the customizer says
	 * otherwise.
	 */
	public SyncSocket start(Consumer<SyncOptions.Builder> customizer) {
		Objects.requireNonNull(customizer, "'customizer' must not be null");
		SyncOptions.Builder builder = SyncOptions.builder().mesh((mesh) -> mesh.bindAddress("127.0.0.1").port(0));
		customizer.accept(builder);
		SyncSocket socket = new SyncSocket(builder.build());
		synchronized (this.started) {
			this.started.add(socket);
		}
		return socket.start();
	}

	/**
	 * A node connected to the one listening on 127.0.0.1:{@code port} (the application's
	 * {@code local.sync.port}), returned once that node's map has arrived.
	 */
	public SyncSocket joining(int port) {
		return joining(port, (options) -> {
		});
	}

	/**
	 * A node with adjusted options, connected to the one listening on
	 * 127.0.0.1:{@code port}, returned once that node's map has arrived. Its leasing must
	 * match the other node's (with leasing on, the default, both nodes must have it on).
	 */
	public SyncSocket joining(int port, Consumer<SyncOptions.Builder> customizer) {
		SyncSocket socket = start(customizer);
		socket.connect("127.0.0.1", port);
		await(socket::initialSyncComplete, () -> "the map of 127.0.0.1:" + port + " to arrive at " + socket);
		return socket;
	}

	/**
	 * Waits until {@code node} holds {@code expected} under {@code key} (null: until the
	 * key is absent).
	 */
	public void awaitValue(SyncSocket node, String key, @Nullable Object expected) {
		Objects.requireNonNull(node, "'node' must not be null");
		Objects.requireNonNull(key, "'key' must not be null");
		await(() -> Objects.equals(node.get(key, null), expected),
				() -> key + " = " + expected + " at " + node + " (it holds " + node.get(key, null) + ")");
	}

	/** Waits until {@code condition} holds; fails naming {@code what} otherwise. */
	public void await(BooleanSupplier condition, Supplier<String> what) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline >= 0) {
				throw new AssertionError("Timed out after " + this.timeout + " waiting for " + what.get());
			}
			try {
				TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting for " + what.get(), ex);
			}
		}
	}

	/** Closes every node started so far, newest first. */
	@Override
	public void close() {
		List<SyncSocket> nodes;
		synchronized (this.started) {
			nodes = new ArrayList<>(this.started);
			this.started.clear();
		}
		RuntimeException failure = null;
		for (int i = nodes.size() - 1; i >= 0; i--) {
			try {
				nodes.get(i).close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		close();
	}

}
