package io.syncsocket.internal.mesh;

import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The timers of a {@link NodeLoop}: tasks ordered by deadline (equal deadlines in the
 * order they were added), each cancellable from any thread without a race. The queue is
 * touched by the loop thread only.
 */
final class LoopTimers {

	private final PriorityQueue<Timer> timers = new PriorityQueue<>();

	private long sequence;

	void add(Timer timer) {
		timer.sequence = this.sequence++;
		this.timers.add(timer);
	}

	/**
	 * Hands every timer due at {@code now} that was not cancelled to {@code runner}, in
	 * deadline order.
	 * @return whether any ran
	 */
	boolean runDue(long now, Consumer<Runnable> runner) {
		boolean ran = false;
		Timer timer;
		while ((timer = this.timers.peek()) != null && timer.deadline - now <= 0) {
			this.timers.poll();
			if (timer.claim()) {
				runner.accept(timer.task);
				ran = true;
			}
		}
		return ran;
	}

	boolean isEmpty() {
		return this.timers.isEmpty();
	}

	/** The {@link System#nanoTime()} deadline of the next timer; not when empty. */
	long nextDeadline() {
		return this.timers.element().deadline;
	}

	/**
	 * A task scheduled with {@link NodeLoop#schedule}. Cancelling is safe from any thread
	 * and race-free: the task runs if and only if {@link #cancel()} did not return true
	 * first.
	 */
	static final class Timer implements Comparable<Timer>, NodeExecutor.Cancellable {

		private static final int PENDING = 0;

		private static final int RUN = 1;

		private static final int CANCELLED = 2;

		final Runnable task;

		final long deadline;

		long sequence;

		private final AtomicInteger status = new AtomicInteger(PENDING);

		Timer(Runnable task, long deadline) {
			this.task = task;
			this.deadline = deadline;
		}

		/**
		 * Cancels the task. Returns true if it will never run; false if it has already
		 * started (or finished) or was cancelled before.
		 */
		@Override
		public boolean cancel() {
			return this.status.compareAndSet(PENDING, CANCELLED);
		}

		boolean isCancelled() {
			return this.status.get() == CANCELLED;
		}

		/** Called by the loop when the timer is due: true if the task may run now. */
		boolean claim() {
			return this.status.compareAndSet(PENDING, RUN);
		}

		@Override
		public int compareTo(Timer other) {
			int byDeadline = Long.compare(this.deadline - other.deadline, 0);
			return (byDeadline != 0) ? byDeadline : Long.compare(this.sequence, other.sequence);
		}

	}

}
