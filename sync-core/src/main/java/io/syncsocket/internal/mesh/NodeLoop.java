package io.syncsocket.internal.mesh;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import io.syncsocket.SocketClosedException;
import io.syncsocket.SyncSocketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that owns a socket's mesh and sync state (STYLE.md, threading rule 2).
 *
 * <p>Tasks never throw out of the loop: an exception is logged and the loop goes on.
 * {@link #call} lets user threads run a task and wait for its result; it fails fast when
 * called from the loop itself or from an I/O thread, where waiting would deadlock.
 */
public final class NodeLoop {

	private static final Logger logger = LoggerFactory.getLogger(NodeLoop.class);

	private final ScheduledThreadPoolExecutor executor;

	private final BooleanSupplier onIoThread;

	private volatile Thread thread;

	public NodeLoop(String threadName, BooleanSupplier onIoThread) {
		this.onIoThread = onIoThread;
		this.executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread t = new Thread(runnable, threadName);
			t.setDaemon(true);
			this.thread = t;
			return t;
		});
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.executor.prestartCoreThread();
	}

	public boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/** Runs a task on the loop; silently dropped once the loop has shut down. */
	public void execute(Runnable task) {
		try {
			this.executor.execute(() -> runSafely(task));
		}
		catch (RejectedExecutionException ex) {
			logger.trace("Node loop is shut down; task dropped");
		}
	}

	/** Runs a task on the loop after a delay; the returned future cancels it. */
	public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		try {
			return this.executor.schedule(() -> runSafely(task), delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			return CancelledFuture.INSTANCE;
		}
	}

	/**
	 * Runs a task on the loop and waits for its result. A task run from the loop itself is
	 * run directly. Exceptions thrown by the task are rethrown unchanged.
	 * @throws IllegalStateException if called on an I/O thread
	 * @throws SocketClosedException if the loop has shut down
	 * @throws SyncSocketException if the task does not finish within {@code timeout}
	 */
	public <T> T call(Callable<T> task, Duration timeout) {
		if (inLoop()) {
			throw new IllegalStateException("blocking call on the node loop thread: listeners must not call "
					+ "blocking socket methods; use a listener executor or the async variants");
		}
		if (this.onIoThread.getAsBoolean()) {
			throw new IllegalStateException("blocking call on a Netty I/O thread would deadlock the socket");
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			this.executor.execute(() -> {
				try {
					result.complete(task.call());
				}
				catch (Throwable ex) {
					result.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			throw new SocketClosedException("socket is closed");
		}
		try {
			return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new SyncSocketException("node loop task failed", cause);
		}
		catch (TimeoutException ex) {
			throw new SyncSocketException("node loop did not answer within " + timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SyncSocketException("interrupted while waiting for the node loop", ex);
		}
	}

	/** Stops accepting tasks, lets queued ones finish and waits at most {@code timeout}. */
	public void shutdown(Duration timeout) {
		this.executor.shutdown();
		if (inLoop()) {
			return;
		}
		try {
			if (!this.executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			this.executor.shutdownNow();
			Thread.currentThread().interrupt();
		}
	}

	public boolean isShutdown() {
		return this.executor.isShutdown();
	}

	private static void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.error("Unexpected error on the node loop; the socket carries on", ex);
		}
	}

	/** A future for a task that was never scheduled. */
	private static final class CancelledFuture implements ScheduledFuture<Object> {

		static final CancelledFuture INSTANCE = new CancelledFuture();

		@Override
		public long getDelay(TimeUnit unit) {
			return 0;
		}

		@Override
		public int compareTo(java.util.concurrent.Delayed other) {
			return 0;
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			return false;
		}

		@Override
		public boolean isCancelled() {
			return true;
		}

		@Override
		public boolean isDone() {
			return true;
		}

		@Override
		public Object get() {
			return null;
		}

		@Override
		public Object get(long timeout, TimeUnit unit) {
			return null;
		}

	}

}
