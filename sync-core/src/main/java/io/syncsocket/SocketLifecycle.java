package io.syncsocket;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.syncsocket.MeshSocket.State;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.mesh.NodeLoop;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one socket, enforced in one place: its state ({@code NEW → STARTING →
 * RUNNING → CLOSING → CLOSED}, and again from {@code CLOSED}), a close racing a start,
 * and the current run ({@link NodeRuntime}) that every operation reaches through it.
 *
 * <p>
 * Thread-safe: transitions happen under a monitor; the state and the run are volatile, so
 * reads never block.
 */
final class SocketLifecycle {

	// the lines a user sees keep the category they know
	private static final Logger logger = LoggerFactory.getLogger(MeshSocket.class);

	/** How long each stage of a shutdown may take. */
	static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final Duration operationTimeout;

	private final Object monitor = new Object();

	private volatile State state = State.NEW;

	/** The thread inside {@link #start} while STARTING (guarded by the monitor). */
	private @Nullable Thread startingThread;

	/** The current run: null before the first start; kept after close for toString. */
	private volatile @Nullable NodeRuntime runtime;

	/**
	 * @param operationTimeout how long {@link #call} waits for the node loop
	 */
	SocketLifecycle(Duration operationTimeout) {
		this.operationTimeout = operationTimeout;
	}

	State state() {
		return this.state;
	}

	/** The current or last run, or null before the first start. Never blocks. */
	@Nullable NodeRuntime runtime() {
		return this.runtime;
	}

	/**
	 * The node of the current or last run, or null before the first start. Never blocks.
	 */
	@Nullable MeshNode node() {
		NodeRuntime runtime = this.runtime;
		return (runtime != null) ? runtime.node : null;
	}

	/**
	 * Assembles and starts a run: STARTING while {@code assemble} binds, RUNNING before
	 * {@code started} runs (it dials the seeds). A close meanwhile wins: the start fails
	 * and the socket ends closed, as it does when either step throws.
	 * @throws IllegalStateException if the socket is starting, running or closing
	 * @throws SocketClosedException if {@link #close()} was called while it started
	 */
	void start(Supplier<NodeRuntime> assemble, Consumer<NodeRuntime> started) {
		synchronized (this.monitor) {
			if (this.state != State.NEW && this.state != State.CLOSED) {
				throw new IllegalStateException("socket already started (state " + this.state + ")");
			}
			this.state = State.STARTING;
			this.startingThread = Thread.currentThread();
		}
		// a restart must not see (or shut down twice) what the previous run left
		this.runtime = null;
		NodeRuntime runtime;
		try {
			runtime = assemble.get();
		}
		catch (RuntimeException ex) {
			markClosed();
			throw ex;
		}
		this.runtime = runtime;
		try {
			synchronized (this.monitor) {
				if (this.state != State.STARTING) {
					// close() was called meanwhile: it wins, and it waits for the
					// shutdown below
					throw new SocketClosedException("socket closed while starting");
				}
				this.state = State.RUNNING;
				this.startingThread = null;
			}
			started.accept(runtime);
		}
		catch (RuntimeException ex) {
			shutdown();
			throw ex;
		}
	}

	/** See {@link MeshSocket#close()}. */
	void close() {
		synchronized (this.monitor) {
			switch (this.state) {
				case NEW -> {
					this.state = State.CLOSED;
					return;
				}
				case STARTING -> {
					// start() checks the state before it reports RUNNING, and shuts down
					// instead
					this.state = State.CLOSING;
					// not on the starting thread, nor on the node loop its shutdown waits
					// for
					NodeRuntime runtime = this.runtime;
					NodeLoop loop = (runtime != null) ? runtime.loop : null;
					if (this.startingThread != Thread.currentThread() && (loop == null || !loop.inLoop())) {
						awaitClosed();
					}
					return;
				}
				case RUNNING -> this.state = State.CLOSING;
				default -> {
					return;
				}
			}
		}
		shutdown();
	}

	/** Waits (holding the monitor) until a start that was closed has shut down. */
	private void awaitClosed() {
		// the start may still be binding, then its shutdown waits up to CLOSE_TIMEOUT per
		// stage
		long deadline = System.nanoTime() + CLOSE_TIMEOUT.multipliedBy(4).toNanos();
		try {
			while (this.state != State.CLOSED) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					logger.warn("Socket closed while starting did not shut down within {}",
							CLOSE_TIMEOUT.multipliedBy(4));
					return;
				}
				TimeUnit.NANOSECONDS.timedWait(this.monitor, remaining);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void shutdown() {
		NodeRuntime runtime = this.runtime;
		if (runtime != null) {
			runtime.shutdown(CLOSE_TIMEOUT);
		}
		markClosed();
		if (runtime != null) {
			logger.info("Socket {} closed", MeshSocket.abbreviate(runtime.node.id()));
		}
	}

	private void markClosed() {
		synchronized (this.monitor) {
			this.state = State.CLOSED;
			this.startingThread = null;
			this.monitor.notifyAll();
		}
	}

	/**
	 * The run of a running socket.
	 * @throws SocketClosedException if the socket is not running
	 */
	NodeRuntime running() {
		NodeRuntime runtime = this.runtime;
		if (runtime == null || this.state != State.RUNNING) {
			throw new SocketClosedException("socket is " + this.state + " (expected: RUNNING; call start() first)");
		}
		return runtime;
	}

	/**
	 * The current or last run.
	 * @throws SocketClosedException if the socket was never started
	 */
	NodeRuntime started() {
		NodeRuntime runtime = this.runtime;
		if (runtime == null) {
			throw new SocketClosedException("socket is " + this.state + " (expected: started)");
		}
		return runtime;
	}

	/**
	 * Runs a task under the node lock and waits for its result (see {@link MeshSocket} on
	 * threading).
	 */
	<T> T call(Callable<T> task) {
		return running().loop.call(task, this.operationTimeout);
	}

	/**
	 * Runs a task on the node loop without waiting (see {@link MeshSocket} on threading).
	 */
	<T> CompletableFuture<T> submit(Callable<T> task) {
		NodeRuntime runtime;
		try {
			runtime = running();
		}
		catch (SocketClosedException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		return runtime.loop.submit(task);
	}

}
