package io.syncsocket.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Backoff for re-dialing unreachable seeds ({@code seed-retry.*} of a socket's
 * {@link SocketProperties}).
 */
public class SocketSeedRetryProperties {

	/** First delay before re-dialing a seed; it doubles up to the maximum. */
	private @Nullable Duration initial;

	/** Longest delay between attempts. */
	private @Nullable Duration max;

	public @Nullable Duration getInitial() {
		return this.initial;
	}

	public void setInitial(@Nullable Duration initial) {
		this.initial = initial;
	}

	public @Nullable Duration getMax() {
		return this.max;
	}

	public void setMax(@Nullable Duration max) {
		this.max = max;
	}

}
