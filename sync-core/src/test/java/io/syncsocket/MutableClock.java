package io.syncsocket;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one test clock: moves when told to ({@link #advance}), either from a fixed instant
 * or on top of real time ({@link #ticking()}); shared by the nodes of one test. Also in
 * sync-core's test-jar, for the sample app's tests.
 */
public final class MutableClock extends Clock {

	private final Clock base;

	private volatile Duration offset = Duration.ZERO;

	private MutableClock(Clock base) {
		this.base = base;
	}

	/** A clock that stands at {@code start} until advanced. */
	public MutableClock(Instant start) {
		this(Clock.fixed(start, ZoneOffset.UTC));
	}

	/** A clock that stands at the current real time, truncated to the second. */
	public static MutableClock atNow() {
		return new MutableClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
	}

	/**
	 * Real time plus the steps taken: for nodes that must see time pass (a restarted
	 * node's messages in a later second than its predecessor's) while a test jumps ahead.
	 */
	public static MutableClock ticking() {
		return new MutableClock(Clock.systemUTC());
	}

	public void advance(Duration duration) {
		this.offset = this.offset.plus(duration);
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

	@Override
	public Instant instant() {
		return this.base.instant().plus(this.offset);
	}

}
