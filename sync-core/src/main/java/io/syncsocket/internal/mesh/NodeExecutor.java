package io.syncsocket.internal.mesh;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * What the mesh and sync layers need from the loop that owns a node's state: running
 * tasks, timers, listener deliveries, the batch hooks, monotonic time and randomness.
 * {@link NodeLoop} is the one production implementation (a thread,
 * {@link System#nanoTime()}, {@link java.util.concurrent.ThreadLocalRandom}); the
 * deterministic simulation in the test sources drives the same mesh and sync code from a
 * simulated clock and one seeded random.
 *
 * <p>
 * Every method may be called under the node lock; {@link #nanoTime()} and
 * {@link #random()} only there.
 */
public interface NodeExecutor {

	/** Runs a task on the loop; silently dropped once the loop is shutting down. */
	void execute(Runnable task);

	/** Runs a task on the loop after a delay; the handle can only cancel it. */
	Cancellable schedule(Runnable task, Duration delay);

	/** Queues listener code to run after the current batch, in the order queued. */
	void deliver(Runnable delivery);

	/** Registers a hook run each time the loop has drained its task queue. */
	void afterEachBatch(Runnable hook);

	/**
	 * Monotonic time in nanoseconds, for timeouts and back-off (never for timestamps).
	 */
	long nanoTime();

	/** The randomness the node's protocol choices use (which peer a peer list names). */
	RandomGenerator random();

	/** A scheduled task that can be cancelled. */
	interface Cancellable {

		/**
		 * Cancels the task: true if it will never run, false if it ran, runs, or was
		 * cancelled before.
		 */
		boolean cancel();

	}

}
