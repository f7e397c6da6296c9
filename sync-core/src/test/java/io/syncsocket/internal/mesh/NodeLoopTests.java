package io.syncsocket.internal.mesh;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NodeLoop} timers ({@link LoopTimers}): what {@link LoopTimers.Timer#cancel()}
 * promises.
 */
class NodeLoopTests {

	private static final long WAIT_SECONDS = 10;

	private final NodeLoop loop = new NodeLoop("node-loop-tests", () -> false);

	@AfterEach
	void shutdown() {
		this.loop.shutdown(Duration.ofSeconds(WAIT_SECONDS));
	}

	@Test
	void scheduleShouldReturnACancelHandleNotAFutureNobodyCouldWaitFor() {
		LoopTimers.Timer timer = this.loop.schedule(() -> {
		}, Duration.ofHours(1));
		assertThat(timer).isNotInstanceOf(Future.class);
		assertThat(timer.cancel()).isTrue();
	}

	@Test
	void cancelBeforeTheTimerIsDueShouldMeanTheTaskNeverRuns() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		this.loop.execute(() -> awaitQuietly(release)); // holds the loop, so nothing
														// below can run yet
		AtomicBoolean cancelledTaskRan = new AtomicBoolean();
		LoopTimers.Timer cancelled = this.loop.schedule(() -> cancelledTaskRan.set(true), Duration.ZERO);
		CountDownLatch later = new CountDownLatch(1);
		this.loop.schedule(later::countDown, Duration.ofMillis(1)); // due after the
																	// cancelled one
		assertThat(cancelled.cancel()).isTrue();
		assertThat(cancelled.isCancelled()).isTrue();
		assertThat(cancelled.cancel()).isFalse();
		release.countDown();
		assertThat(later.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(cancelledTaskRan).isFalse();
	}

	@Test
	void cancelOnceTheTaskHasStartedShouldReportFalse() throws InterruptedException {
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		LoopTimers.Timer timer = this.loop.schedule(() -> {
			running.countDown();
			awaitQuietly(release);
		}, Duration.ZERO);
		assertThat(running.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
		assertThat(timer.cancel()).isFalse();
		assertThat(timer.isCancelled()).isFalse();
		release.countDown();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
