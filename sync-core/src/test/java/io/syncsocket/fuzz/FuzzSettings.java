package io.syncsocket.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed and case counts of the fuzz suite, from system properties, and the per-category
 * tally every fuzz test prints and checks.
 *
 * <ul>
 * <li>{@code -Dfuzz.seed=N} (decimal or {@code 0x} hex): the base seed; every category
 * derives its own stream from it, and every case its own seed, so a failure names the
 * seed and case that reproduce it.</li>
 * <li>{@code -Dfuzz.cases=N}: the base number of cases (default
 * {@value #DEFAULT_BASE_CASES}). Each category runs {@code round(N * weight)} cases:
 * cheap in-memory categories have large weights, socket categories small ones.</li>
 * <li>{@code -Dfuzz.cases.<category>=N}: overrides one category.</li>
 * </ul>
 * The defaults are sized for about a minute for the whole suite on a loaded two-core
 * machine.
 */
final class FuzzSettings {

	static final long DEFAULT_SEED = 0x5EED_2026_F022L;

	static final int DEFAULT_BASE_CASES = 1200;

	private FuzzSettings() {
	}

	static long seed() {
		String text = System.getProperty("fuzz.seed");
		if (text == null || text.isBlank()) {
			return DEFAULT_SEED;
		}
		return Long.decode(text.trim());
	}

	static int baseCases() {
		return Integer.getInteger("fuzz.cases", DEFAULT_BASE_CASES);
	}

	/**
	 * The number of cases a category runs: its override, else the base times its weight
	 * (at least 1).
	 */
	static int cases(String category, double weight) {
		Integer override = Integer.getInteger("fuzz.cases." + category);
		if (override != null) {
			return override;
		}
		return (int) Math.max(1, Math.round(baseCases() * weight));
	}

	/**
	 * The random stream of one category: a pure function of the base seed and the
	 * category name.
	 */
	static SplittableRandom random(String category) {
		long mixed = seed() ^ (0x9E3779B97F4A7C15L * (category.hashCode() + 0x632BE5ABL));
		return new SplittableRandom(mixed);
	}

	static String hexSeed() {
		return "0x" + Long.toHexString(seed()).toUpperCase(Locale.ROOT);
	}

	/**
	 * Cases run per category, against the number each category must run at least, so a
	 * generator that silently produces nothing fails the test. Thread-safe.
	 */
	static final class Tally {

		private final String suite;

		private final Map<String, Integer> planned = new LinkedHashMap<>();

		private final Map<String, Integer> ran = new LinkedHashMap<>();

		private final Map<String, Map<String, Integer>> details = new LinkedHashMap<>();

		private final long startNanos = System.nanoTime();

		private final Map<String, Long> started = new LinkedHashMap<>();

		private final Map<String, Long> elapsedMillis = new LinkedHashMap<>();

		private final Map<String, Long> spentNanos = new LinkedHashMap<>();

		private final List<String> notes = new ArrayList<>();

		Tally(String suite) {
			this.suite = suite;
		}

		/** Declares a category and returns the number of cases it must run. */
		synchronized int plan(String category, double weight) {
			int cases = cases(category, weight);
			this.planned.put(category, cases);
			this.ran.putIfAbsent(category, 0);
			this.started.put(category, System.nanoTime());
			return cases;
		}

		/**
		 * Ends a category: records its time and asserts it ran at least the planned
		 * number of cases.
		 */
		synchronized void done(String category) {
			Long start = this.started.get(category);
			if (start != null) {
				this.elapsedMillis.put(category, (System.nanoTime() - start) / 1_000_000);
			}
			assertThat(ranOf(category)).as("cases run in fuzz category %s (seed %s)", category, hexSeed())
				.isGreaterThanOrEqualTo(this.planned.getOrDefault(category, 1));
		}

		/**
		 * Declares a category whose number of cases is known in advance (not scaled by
		 * the base).
		 */
		synchronized void expect(String category, int cases) {
			this.planned.put(category, cases);
			this.ran.putIfAbsent(category, 0);
		}

		synchronized void ran(String category) {
			this.ran.merge(category, 1, Integer::sum);
		}

		/**
		 * Counts a case and the time it took (for categories whose cases are interleaved
		 * with others').
		 */
		synchronized void ran(String category, long nanos) {
			ran(category);
			this.spentNanos.merge(category, nanos, Long::sum);
		}

		/** A free-text line for the report. */
		synchronized void note(String line) {
			this.notes.add(line);
		}

		/**
		 * Counts an outcome inside a category (e.g. which fault a case ended with), for
		 * the report.
		 */
		synchronized void outcome(String category, String outcome) {
			this.details.computeIfAbsent(category, (c) -> new LinkedHashMap<>()).merge(outcome, 1, Integer::sum);
		}

		synchronized int ranOf(String category) {
			return this.ran.getOrDefault(category, 0);
		}

		/**
		 * Prints the table (seed, cases per category, outcomes, time) to standard output.
		 */
		synchronized void print() {
			long millis = (System.nanoTime() - this.startNanos) / 1_000_000;
			StringBuilder out = new StringBuilder();
			out.append(String.format(Locale.ROOT,
					"%n[fuzz] %s: seed %s (-Dfuzz.seed), base cases %d (-Dfuzz.cases), %d ms%n", this.suite, hexSeed(),
					baseCases(), millis));
			int total = 0;
			for (Map.Entry<String, Integer> entry : this.ran.entrySet()) {
				String category = entry.getKey();
				total += entry.getValue();
				long spent = this.spentNanos.containsKey(category) ? this.spentNanos.get(category) / 1_000_000
						: this.elapsedMillis.getOrDefault(category, 0L);
				out.append(String.format(Locale.ROOT, "[fuzz]   %-28s %7d cases (planned %d) %6d ms", category,
						entry.getValue(), this.planned.getOrDefault(category, 0), spent));
				appendOutcomes(out, this.details.get(category));
			}
			for (Map.Entry<String, Map<String, Integer>> entry : this.details.entrySet()) {
				if (!this.ran.containsKey(entry.getKey())) {
					out.append(String.format(Locale.ROOT, "[fuzz]   %-28s", entry.getKey()));
					appendOutcomes(out, entry.getValue());
				}
			}
			out.append(String.format(Locale.ROOT, "[fuzz]   %-28s %7d cases%n", "total", total));
			for (String note : this.notes) {
				out.append("[fuzz]   ").append(note).append(System.lineSeparator());
			}
			System.out.print(out);
		}

		private static void appendOutcomes(StringBuilder out, Map<String, Integer> outcomes) {
			if (outcomes != null) {
				List<String> parts = new ArrayList<>();
				outcomes.forEach((name, count) -> parts.add(name + "=" + count));
				out.append("  ").append(String.join(", ", parts));
			}
			out.append(System.lineSeparator());
		}

		/** Every planned category ran at least as many cases as planned. */
		synchronized void assertComplete() {
			this.planned.forEach((category, cases) -> assertThat(this.ran.getOrDefault(category, 0))
				.as("cases run in fuzz category %s (seed %s)", category, hexSeed())
				.isGreaterThanOrEqualTo(cases));
		}

	}

}
