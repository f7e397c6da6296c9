package io.syncsocket.internal.mesh;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The node loop of one simulated node: tasks and timers become world events, run on the
 * one simulation thread in the order {@link NodeLoop} would run them (a batch of tasks,
 * then the batch hooks, then listener deliveries). An exception escaping a task is a
 * violation: on the real loop it would be logged as "unexpected".
 */
final class SimLoop implements NodeExecutor {

	private final SimWorld world;

	private final String name;

	private final long nanoOffset;

	private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

	private final ArrayDeque<Runnable> deliveries = new ArrayDeque<>();

	private final List<Runnable> hooks = new ArrayList<>();

	private boolean batchScheduled;

	private boolean stopped;

	SimLoop(SimWorld world, String name) {
		this.world = world;
		this.name = name;
		// monotonic clocks of different nodes have unrelated origins
		this.nanoOffset = world.random.nextLong() >>> 2;
	}

	/**
	 * Stops the loop for good (the node crashed or closed): nothing queued or scheduled
	 * runs.
	 */
	void stop() {
		this.stopped = true;
		this.tasks.clear();
		this.deliveries.clear();
	}

	boolean stopped() {
		return this.stopped;
	}

	@Override
	public void execute(Runnable task) {
		if (this.stopped) {
			return;
		}
		this.tasks.add(task);
		if (!this.batchScheduled) {
			this.batchScheduled = true;
			this.world.at(0, this.name + " batch", this::runBatch);
		}
	}

	@Override
	public Cancellable schedule(Runnable task, Duration delay) {
		SimTimer timer = new SimTimer();
		this.world.at(delay.toNanos(), this.name + " timer", () -> {
			if (!this.stopped && timer.claim()) {
				this.tasks.add(task);
				runBatch();
			}
		});
		return timer;
	}

	@Override
	public void deliver(Runnable delivery) {
		this.deliveries.add(delivery);
	}

	@Override
	public void afterEachBatch(Runnable hook) {
		this.hooks.add(hook);
	}

	@Override
	public long nanoTime() {
		return this.nanoOffset + this.world.now();
	}

	@Override
	public RandomGenerator random() {
		return this.world.random;
	}

	/**
	 * Runs a user call the way {@link NodeLoop#call} does: after anything queued, then
	 * the hooks.
	 */
	<T> T call(java.util.concurrent.Callable<T> call) throws Exception {
		if (!this.tasks.isEmpty()) {
			runBatch();
		}
		try {
			return call.call();
		}
		finally {
			runHooks();
			runDeliveries();
		}
	}

	private void runBatch() {
		this.batchScheduled = false;
		if (this.stopped) {
			return;
		}
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			runSafely(task);
		}
		runHooks();
		runDeliveries();
	}

	private void runHooks() {
		for (Runnable hook : this.hooks) {
			runSafely(hook);
		}
	}

	private void runDeliveries() {
		Runnable delivery;
		while ((delivery = this.deliveries.poll()) != null) {
			runSafely(delivery);
		}
	}

	private void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (RuntimeException | Error ex) {
			this.world.violation("no-unexpected-exception", this.name + ": " + ex);
		}
	}

	private static final class SimTimer implements Cancellable {

		private int state; // 0 pending, 1 ran, 2 cancelled

		@Override
		public boolean cancel() {
			if (this.state != 0) {
				return false;
			}
			this.state = 2;
			return true;
		}

		boolean claim() {
			if (this.state != 0) {
				return false;
			}
			this.state = 1;
			return true;
		}

	}

}
