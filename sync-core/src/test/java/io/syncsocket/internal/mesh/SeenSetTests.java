package io.syncsocket.internal.mesh;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seen set: duplicate detection by (message id, time), pruning by time and the
 * capacity that bounds its memory.
 */
class SeenSetTests {

	private static final long NOW = 1_800_000_000L;

	private static byte[] blob(int n) {
		return ByteBuffer.allocate(40).putInt(0, n).putInt(28, ~n).array();
	}

	@Test
	void sameIdAndTimeShouldBeSeenOnceButAnotherTimeIsNew() {
		SeenSet seen = new SeenSet(100);
		assertThat(seen.add(blob(1), NOW, NOW)).isTrue();
		assertThat(seen.add(blob(1), NOW, NOW)).isFalse();
		assertThat(seen.add(blob(1), NOW + 1, NOW)).isTrue();
		assertThat(seen.add(blob(2), NOW, NOW)).isTrue();
		assertThat(seen.size()).isEqualTo(3);
	}

	@Test
	void pruneShouldDropWholeSecondsUpToTheHorizon() {
		SeenSet seen = new SeenSet(100);
		for (int second = 0; second < 10; second++) {
			seen.add(blob(second), NOW + second, NOW);
		}
		seen.pruneUpTo(NOW + 4);
		assertThat(seen.size()).isEqualTo(5);
		assertThat(seen.contains(blob(4), NOW + 4)).isFalse();
		assertThat(seen.contains(blob(5), NOW + 5)).isTrue();
	}

	@Test
	void capacityShouldDropTheOldestSecondsFirst() {
		SeenSet seen = new SeenSet(1000);
		for (int i = 0; i < 5000; i++) {
			seen.add(blob(i), NOW - 50 + i / 100, NOW);
		}
		assertThat(seen.size()).isLessThanOrEqualTo(1000);
		assertThat(seen.evicted()).isEqualTo(5000 - seen.size());
		assertThat(seen.contains(blob(4999), NOW - 50 + 49)).isTrue();
		assertThat(seen.contains(blob(0), NOW - 50)).isFalse();
	}

	@Test
	void capacityShouldDropFutureStampedSecondsBeforeCurrentOnes() {
		SeenSet seen = new SeenSet(1000);
		for (int i = 0; i < 900; i++) {
			seen.add(blob(i), NOW, NOW);
		}
		// a peer with a clock far ahead (or a hostile one) floods far-future times
		for (int i = 0; i < 5000; i++) {
			seen.add(blob(100_000 + i), NOW + 86_400 + i, NOW);
		}
		assertThat(seen.size()).isLessThanOrEqualTo(1000);
		for (int i = 0; i < 900; i++) {
			assertThat(seen.contains(blob(i), NOW)).isTrue();
		}
	}

}
