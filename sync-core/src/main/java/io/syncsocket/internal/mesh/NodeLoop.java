package io.syncsocket.internal.mesh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

import io.syncsocket.SocketClosedException;
import io.syncsocket.SyncSocketException;
import io.syncsocket.internal.mesh.LoopTimers.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that owns a socket's mesh and sync state (STYLE.md, threading rule 2), and
 * the lock that serialises every change to it.
 *
 * <p>
 * The loop runs tasks in arrival order while holding the node lock, and the timers that
 * are due ({@link LoopTimers}), then the batch hooks (the mesh flushes the links it wrote
 * to there, so a burst of messages costs one flush per link, not one per message), then,
 * without the lock, the listener deliveries that the batch queued, in commit order.
 *
 * <p>
 * {@link #call} runs a user thread's change and returns its result. When the loop is idle
 * and nothing is queued, the change runs right on the calling thread under the same lock
 * (so it is still serialised with everything else and cannot overtake an earlier queued
 * task); otherwise it is queued and the caller waits. A write therefore costs no thread
 * hand-over on an idle node, which matters on small machines where every hand-over is a
 * wake-up. Listener code never runs on the caller: it is always delivered by the loop (or
 * the listener executor).
 *
 * <p>
 * Tasks never throw out of the loop: an exception is logged and the loop goes on.
 * {@link #call} fails fast when called from the loop itself or from an I/O thread.
 */
public final class NodeLoop implements NodeExecutor {

	private static final Logger logger = LoggerFactory.getLogger(NodeLoop.class);

	/**
	 * How long the loop spins for new work before parking. Spinning only pays with spare
	 * cores; on small machines it steals the CPU that the I/O threads and the other nodes
	 * need.
	 */
	private static final long SPIN_NANOS = Long.getLong("syncsocket.nodeloop.spin-nanos", 0);

	private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/**
	 * Listener deliveries queued by committed changes, run by the loop in order, outside
	 * the lock.
	 */
	private final ConcurrentLinkedQueue<Runnable> deliveries = new ConcurrentLinkedQueue<>();

	private final ReentrantLock lock = new ReentrantLock();

	private final BooleanSupplier onIoThread;

	private final Thread thread;

	private final CountDownLatch terminated = new CountDownLatch(1);

	private volatile boolean sleeping;

	private volatile boolean shuttingDown;

	// ---- loop thread only

	private final LoopTimers timers = new LoopTimers();

	private final List<Runnable> batchHooks = new ArrayList<>();

	public NodeLoop(String threadName, BooleanSupplier onIoThread) {
		this.onIoThread = onIoThread;
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	public boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/** Runs a task on the loop; silently dropped once the loop is shutting down. */
	@Override
	public void execute(Runnable task) {
		if (this.shuttingDown) {
			logger.trace("Node loop is shut down; task dropped");
			return;
		}
		this.tasks.offer(task);
		wake();
	}

	private void wake() {
		if (this.sleeping) {
			LockSupport.unpark(this.thread);
		}
	}

	/** Registers a hook run on the loop each time it has drained its task queue. */
	@Override
	public void afterEachBatch(Runnable hook) {
		execute(() -> this.batchHooks.add(hook));
	}

	/**
	 * Runs a task on the loop after a delay. The returned {@link Timer} can only cancel
	 * it: nothing ever waits for a timer (waiting on the loop would deadlock it), so it
	 * is deliberately not a {@link java.util.concurrent.Future}.
	 */
	@Override
	public Timer schedule(Runnable task, Duration delay) {
		Timer timer = new Timer(task, System.nanoTime() + delay.toNanos());
		if (inLoop()) {
			this.timers.add(timer);
		}
		else {
			execute(() -> this.timers.add(timer));
		}
		return timer;
	}

	/**
	 * Runs a task on the loop without waiting: the future completes on the loop with the
	 * task's result or exception (so dependent actions run on the loop and must not
	 * block). Safe from any thread, the loop included.
	 */
	public <T> CompletableFuture<T> submit(Callable<T> task) {
		CompletableFuture<T> result = new CompletableFuture<>();
		if (this.shuttingDown) {
			result.completeExceptionally(new SocketClosedException("socket is closed"));
			return result;
		}
		execute(() -> {
			try {
				result.complete(task.call());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	/**
	 * Runs a task on the loop and waits for its result. Exceptions thrown by the task are
	 * rethrown unchanged.
	 * @throws IllegalStateException if called on the loop or on an I/O thread
	 * @throws SocketClosedException if the loop has shut down
	 * @throws SyncSocketException if the task does not finish within {@code timeout}
	 */
	// T may be a nullable type (tasks that return null): NullAway, outside JSpecify mode,
	// cannot see that the result is passed through as the task made it
	@SuppressWarnings("NullAway")
	public <T> T call(Callable<T> task, Duration timeout) {
		if (inLoop()) {
			throw new IllegalStateException("blocking call on the node loop thread: listeners must not call "
					+ "blocking socket methods; use a listener executor or the async variants");
		}
		if (this.onIoThread.getAsBoolean()) {
			throw new IllegalStateException("blocking call on a Netty I/O thread would deadlock the socket");
		}
		if (this.shuttingDown) {
			throw new SocketClosedException("socket is closed");
		}
		if (this.tasks.isEmpty() && this.lock.tryLock()) {
			boolean ran = false;
			T result = null;
			try {
				// only with nothing queued: an earlier task of this caller must not be
				// overtaken
				if (this.tasks.isEmpty() && !this.shuttingDown) {
					ran = true;
					try {
						result = task.call();
					}
					finally {
						runHooks();
					}
				}
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new SyncSocketException("node task failed", ex);
			}
			finally {
				this.lock.unlock();
				if (!this.deliveries.isEmpty()) {
					wake();
				}
			}
			if (ran) {
				return result;
			}
		}
		CompletableFuture<T> result = submit(task);
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
			if (this.shuttingDown) {
				throw new SocketClosedException("socket closed while waiting for the node loop");
			}
			throw new SyncSocketException("node loop did not answer within " + timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SyncSocketException("interrupted while waiting for the node loop", ex);
		}
	}

	/**
	 * Queues listener code to run on the loop after the current batch, in the order
	 * queued. Called while the node lock is held, so the order is the commit order.
	 */
	@Override
	public void deliver(Runnable delivery) {
		this.deliveries.offer(delivery);
		if (!inLoop() && !this.lock.isHeldByCurrentThread()) {
			wake();
		}
	}

	@Override
	public long nanoTime() {
		return System.nanoTime();
	}

	@Override
	public RandomGenerator random() {
		return ThreadLocalRandom.current();
	}

	/**
	 * Stops accepting tasks, lets queued ones finish and waits at most {@code timeout}.
	 */
	public void shutdown(Duration timeout) {
		this.shuttingDown = true;
		LockSupport.unpark(this.thread);
		if (inLoop()) {
			return;
		}
		try {
			if (!this.terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				logger.warn("Node loop {} did not stop within {}", this.thread.getName(), timeout);
				this.thread.interrupt();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	public boolean isShutdown() {
		return this.shuttingDown;
	}

	private void run() {
		try {
			while (true) {
				boolean worked;
				this.lock.lock();
				try {
					worked = runTasks();
					worked |= this.timers.runDue(System.nanoTime(), NodeLoop::runSafely);
					if (worked) {
						runHooks();
					}
				}
				finally {
					this.lock.unlock();
				}
				worked |= runDeliveries();
				if (worked) {
					continue;
				}
				if (this.shuttingDown) {
					return;
				}
				idle();
			}
		}
		finally {
			this.terminated.countDown();
		}
	}

	private void runHooks() {
		for (Runnable hook : this.batchHooks) {
			runSafely(hook);
		}
	}

	private boolean runDeliveries() {
		boolean ran = false;
		Runnable delivery;
		while ((delivery = this.deliveries.poll()) != null) {
			runSafely(delivery);
			ran = true;
		}
		return ran;
	}

	private boolean runTasks() {
		boolean ran = false;
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			runSafely(task);
			ran = true;
		}
		return ran;
	}

	/** Spins a little, then parks until a task arrives or the next timer is due. */
	private void idle() {
		long spinStart = System.nanoTime();
		while (System.nanoTime() - spinStart < SPIN_NANOS) {
			if (!this.tasks.isEmpty() || !this.deliveries.isEmpty() || this.shuttingDown) {
				return;
			}
			Thread.onSpinWait();
		}
		this.sleeping = true;
		try {
			if (!this.tasks.isEmpty() || !this.deliveries.isEmpty() || this.shuttingDown) {
				return;
			}
			if (this.timers.isEmpty()) {
				LockSupport.park(this);
			}
			else {
				long wait = this.timers.nextDeadline() - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(this, wait);
				}
			}
		}
		finally {
			this.sleeping = false;
		}
	}

	private static void runSafely(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.error("Unexpected error on the node loop; the socket carries on", ex);
		}
	}

}
