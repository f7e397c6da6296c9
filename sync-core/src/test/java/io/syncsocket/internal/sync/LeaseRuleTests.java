package io.syncsocket.internal.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncsocket.Leasing;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease check of PROTOCOL.md §7.4 ({@link LeaseRule#allows}) rule by rule, against
 * the spec's verified-decisions table and against js2p's recorded decisions in
 * {@code vectors/js2p_lease_matrix.json}; and the merge order {@link LeaseRule#wins} as a
 * strict total order.
 */
class LeaseRuleTests {

	private static final long NOW = 1_764_150_000L;

	/** Sorts before {@link #LARGE}: the tie-break of rule 5 favours it. */
	private static final String SMALL = "AAAA";

	private static final String LARGE = "zzzz";

	private static final ObjectMapper MAPPER = new ObjectMapper();

	/** What a candidate change is: a store (3-packet or local set) or a delta. */
	enum Kind {

		STORE, DELTA;

		boolean delta() {
			return this == DELTA;
		}

	}

	private static boolean allows(Leasing mode, Kind kind, @Nullable Version old, String newOwner, long newTs) {
		return LeaseRule.allows(old, newOwner, newTs, kind.delta(), mode.enforced(), NOW);
	}

	private static Version existing(String owner, long timestamp) {
		return new Version(new byte[] { (byte) 0xa3, 'o', 'l', 'd' }, owner, timestamp);
	}

	static Stream<Arguments> everyModeAndKind() {
		List<Arguments> arguments = new ArrayList<>();
		for (Leasing mode : Leasing.values()) {
			for (Kind kind : Kind.values()) {
				arguments.add(Arguments.of(mode, kind));
			}
		}
		return arguments.stream();
	}

	// ------------------------------------------------------------------ the six rules of
	// §7.4

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("everyModeAndKind")
	void ruleOneShouldAllowAnyChangeWhenTheKeyHasNoMetadata(Leasing mode, Kind kind) {
		assertThat(allows(mode, kind, null, LARGE, NOW)).isTrue();
		assertThat(allows(mode, kind, null, LARGE, NOW - 100_000)).isTrue();
		assertThat(allows(mode, kind, null, SMALL, NOW + 3600)).isTrue();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("everyModeAndKind")
	void ruleTwoShouldAlwaysAllowTheSameOwnerEvenWithAnOlderTimestamp(Leasing mode, Kind kind) {
		assertThat(allows(mode, kind, existing(SMALL, NOW - 5), SMALL, NOW - 30)).isTrue();
		assertThat(allows(mode, kind, existing(LARGE, NOW), LARGE, NOW - 3000)).isTrue();
		assertThat(allows(mode, kind, existing(LARGE, NOW - 10), LARGE, NOW - 10)).isTrue();
		assertThat(allows(mode, kind, existing(LARGE, NOW - 10), LARGE, NOW + 10)).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Leasing.class)
	void ruleThreeShouldAllowAnOlderDeltaFromAnotherOwnerOnlyWhenLeasesAreNotEnforced(Leasing mode) {
		Version old = existing(SMALL, NOW - 5);
		// Older, not a same-second tie, lease not expired: only rule 3 can allow it.
		assertThat(allows(mode, Kind.DELTA, old, LARGE, NOW - 30)).isEqualTo(!mode.enforced());
		assertThat(allows(mode, Kind.STORE, old, LARGE, NOW - 30)).isFalse();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("everyModeAndKind")
	void ruleFourShouldAllowAnyChangeOnceTheOldWriteIsMoreThanAnHourOld(Leasing mode, Kind kind) {
		// Even an incoming change older than the old one passes once the lease expired.
		assertThat(allows(mode, kind, existing(SMALL, NOW - 3601), LARGE, NOW - 4000)).isTrue();
		assertThat(allows(mode, kind, existing(SMALL, NOW - 3601), LARGE, NOW - 1)).isTrue();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("everyModeAndKind")
	void ruleFourShouldCompareStrictlySoALeaseOfExactlyOneHourStillHolds(Leasing mode, Kind kind) {
		// Incoming older and from another owner: only rules 3 and 4 could allow it.
		boolean onlyRuleThree = kind.delta() && !mode.enforced();
		assertThat(allows(mode, kind, existing(SMALL, NOW - 3600), LARGE, NOW - 3700)).isEqualTo(onlyRuleThree);
		assertThat(allows(mode, kind, existing(SMALL, NOW - 3599), LARGE, NOW - 3700)).isEqualTo(onlyRuleThree);
		assertThat(allows(mode, kind, existing(SMALL, NOW - 3601), LARGE, NOW - 3700)).isTrue();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("everyModeAndKind")
	void ruleFiveShouldGiveASameSecondTieToTheSmallerOwnerId(Leasing mode, Kind kind) {
		assertThat(allows(mode, kind, existing(LARGE, NOW - 10), SMALL, NOW - 10)).isTrue();
		// The larger id loses the tie; only rule 3 (delta, no lease) lets it through.
		assertThat(allows(mode, kind, existing(SMALL, NOW - 10), LARGE, NOW - 10))
			.isEqualTo(kind.delta() && !mode.enforced());
	}

	@Test
	void ruleFiveShouldCompareOwnerIdsAsStrings() {
		// Code-unit order: digits < upper case < lower case; a prefix sorts first.
		String[][] smallerThenLarger = { { "9", "A" }, { "Z", "a" }, { "abc", "abcd" }, { "1zzz", "2" },
				{ "45M8zXrn", "6YES3vNg" } };
		for (String[] pair : smallerThenLarger) {
			String smaller = pair[0];
			String larger = pair[1];
			assertThat(allows(Leasing.ON, Kind.STORE, existing(larger, NOW), smaller, NOW))
				.as("old %s, new %s", larger, smaller)
				.isTrue();
			assertThat(allows(Leasing.ON, Kind.STORE, existing(smaller, NOW), larger, NOW))
				.as("old %s, new %s", smaller, larger)
				.isFalse();
		}
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("everyModeAndKind")
	void ruleSixShouldAllowANewerChangeFromAnotherOwnerOnlyWhenLeasesAreNotEnforced(Leasing mode, Kind kind) {
		assertThat(allows(mode, kind, existing(SMALL, NOW - 30), LARGE, NOW - 5)).isEqualTo(!mode.enforced());
		assertThat(allows(mode, kind, existing(SMALL, NOW - 30), LARGE, NOW + 3600)).isEqualTo(!mode.enforced());
	}

	@Test
	void onlyLeasingOnShouldEnforceLeases() {
		assertThat(Leasing.ON.enforced()).isTrue();
		assertThat(Leasing.OFF.enforced()).isFalse();
		assertThat(Leasing.JS2P_DEFAULT.enforced()).isFalse();
	}

	// ------------------------------------------------------------------ PROTOCOL.md §7.4
	// verified decisions

	/**
	 * The table of PROTOCOL.md §7.4, copied verbatim. Columns: js2p leasing argument
	 * omitted (sync1, our {@link Leasing#JS2P_DEFAULT}), {@code true} (sync1,
	 * {@link Leasing#ON}), {@code false} (sync0, {@link Leasing#OFF}); each cell is
	 * "store / delta".
	 */
	private static final String VERIFIED_DECISIONS = """
			| other owner, newer | ✓ / ✓ | ✗ / ✗ | ✓ / ✓ |
			| other owner, older | ✗ / ✓ | ✗ / ✗ | ✗ / ✓ |
			| same second, old owner > new owner | ✓ / ✓ | ✓ / ✓ | ✓ / ✓ |
			| same second, old owner < new owner | ✗ / ✓ | ✗ / ✗ | ✗ / ✓ |
			| same owner, older | ✓ / ✓ | ✓ / ✓ | ✓ / ✓ |
			| old value 3601 s old | ✓ / ✓ | ✓ / ✓ | ✓ / ✓ |
			| old value 3590 s old, other owner newer | ✓ / ✓ | ✗ / ✗ | ✓ / ✓ |
			""";

	private static final Leasing[] TABLE_COLUMNS = { Leasing.JS2P_DEFAULT, Leasing.ON, Leasing.OFF };

	/**
	 * An existing version (installed by a 5-packet store) and an incoming change,
	 * relative to now.
	 */
	record Situation(String oldOwner, long oldOffset, String newOwner, long newOffset) {

		Version old() {
			return existing(this.oldOwner, NOW + this.oldOffset);
		}

		long newTs() {
			return NOW + this.newOffset;
		}

	}

	/** The situations behind the table rows, as js2p_lease_matrix.json set them up. */
	private static final Map<String, Situation> TABLE_SITUATIONS = Map.of("other owner, newer",
			new Situation(SMALL, -30, LARGE, -5), "other owner, older", new Situation(SMALL, -5, LARGE, -30),
			"same second, old owner > new owner", new Situation(LARGE, -10, SMALL, -10),
			"same second, old owner < new owner", new Situation(SMALL, -10, LARGE, -10), "same owner, older",
			new Situation(SMALL, -5, SMALL, -30), "old value 3601 s old", new Situation(SMALL, -3601, LARGE, -1),
			"old value 3590 s old, other owner newer", new Situation(SMALL, -3590, LARGE, -1));

	static Stream<Arguments> verifiedDecisions() {
		Pattern row = Pattern.compile("^\\| (.+?) \\| ([✓✗]) / ([✓✗]) \\| ([✓✗]) / ([✓✗]) \\| ([✓✗]) / ([✓✗]) \\|$");
		List<Arguments> arguments = new ArrayList<>();
		for (String line : VERIFIED_DECISIONS.strip().split("\n")) {
			Matcher matcher = row.matcher(line.strip());
			assertThat(matcher.matches()).as("table row '%s'", line).isTrue();
			String label = matcher.group(1);
			Situation situation = Objects.requireNonNull(TABLE_SITUATIONS.get(label), label);
			for (int column = 0; column < TABLE_COLUMNS.length; column++) {
				for (Kind kind : Kind.values()) {
					boolean applied = matcher.group(2 + column * 2 + kind.ordinal()).equals("✓");
					arguments.add(Arguments.of(label, TABLE_COLUMNS[column], kind, situation, applied));
				}
			}
		}
		return arguments.stream();
	}

	@Test
	void verifiedDecisionsTableShouldHaveSevenRowsOfSixDecisions() {
		assertThat(verifiedDecisions()).hasSize(7 * 3 * 2);
		assertThat(verifiedDecisions().map((arguments) -> arguments.get()[0]).distinct())
			.containsExactlyInAnyOrderElementsOf(TABLE_SITUATIONS.keySet());
	}

	@ParameterizedTest(name = "{0}: {1} {2} applied={4}")
	@MethodSource("verifiedDecisions")
	void allowsShouldMatchTheVerifiedDecisionsTable(String label, Leasing mode, Kind kind, Situation situation,
			boolean applied) {
		assertThat(allows(mode, kind, situation.old(), situation.newOwner(), situation.newTs())).isEqualTo(applied);
	}

	// ------------------------------------------------------------------
	// js2p_lease_matrix.json

	private static JsonNode leaseMatrix() {
		try (InputStream in = LeaseRuleTests.class.getResourceAsStream("/vectors/js2p_lease_matrix.json")) {
			assertThat(in).as("/vectors/js2p_lease_matrix.json on the classpath").isNotNull();
			return MAPPER.readTree(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String leaseMatrixText() {
		try (InputStream in = LeaseRuleTests.class.getResourceAsStream("/vectors/js2p_lease_matrix.json")) {
			return new String(Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The js2p mode a case was recorded in, as our mode with the same lease behaviour:
	 * leasing omitted is not enforced (PROTOCOL.md §9 Q2), {@code true} is enforced,
	 * {@code false} is not.
	 */
	private static Leasing modeOf(JsonNode leasingArg) {
		if (leasingArg.isTextual() && leasingArg.asText().equals("omitted")) {
			return Leasing.JS2P_DEFAULT;
		}
		assertThat(leasingArg.isBoolean()).as("leasing_arg %s", leasingArg).isTrue();
		return leasingArg.asBoolean() ? Leasing.ON : Leasing.OFF;
	}

	/**
	 * One recorded js2p case: situation, js2p mode and js2p's store and delta decisions.
	 */
	record RecordedCase(String name, Leasing mode, String subnet, Situation situation, boolean storeApplied,
			boolean deltaApplied) {

		@Override
		public String toString() {
			return this.mode + " " + this.name;
		}

	}

	static Stream<RecordedCase> leaseMatrixCases() {
		List<RecordedCase> cases = new ArrayList<>();
		for (JsonNode c : leaseMatrix().get("cases")) {
			JsonNode existing = c.get("existing");
			JsonNode incoming = c.get("incoming");
			Situation situation = new Situation(existing.get("owner").asText(),
					existing.get("timestamp_offset").asLong(), incoming.get("owner").asText(),
					incoming.get("timestamp_offset").asLong());
			cases.add(new RecordedCase(c.get("case").asText(), modeOf(c.get("leasing_arg")), c.get("subnet").asText(),
					situation, c.get("store_applied").asBoolean(), c.get("delta_applied").asBoolean()));
		}
		return cases.stream();
	}

	@Test
	void leaseMatrixShouldCheckEveryRecordedCase() {
		int inFile = leaseMatrix().get("cases").size();
		Matcher leasingArgs = Pattern.compile("\"leasing_arg\"\\s*:").matcher(leaseMatrixText());
		int rawCount = 0;
		while (leasingArgs.find()) {
			rawCount++;
		}
		assertThat(leaseMatrixCases()).hasSize(inFile);
		assertThat(inFile).isEqualTo(rawCount).isEqualTo(7 * 3);
		assertThat(leaseMatrixCases().map(RecordedCase::toString).distinct()).hasSize(inFile);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("leaseMatrixCases")
	void allowsShouldMatchJs2psRecordedDecision(RecordedCase recorded) {
		Situation situation = recorded.situation();
		assertThat(recorded.subnet()).as("subnet of the js2p node").isEqualTo("sync" + recorded.mode().subnetSuffix());
		assertThat(allows(recorded.mode(), Kind.STORE, situation.old(), situation.newOwner(), situation.newTs()))
			.as("store")
			.isEqualTo(recorded.storeApplied());
		assertThat(allows(recorded.mode(), Kind.DELTA, situation.old(), situation.newOwner(), situation.newTs()))
			.as("delta")
			.isEqualTo(recorded.deltaApplied());
	}

	@Test
	void leasingOnShouldDecideLikeJs2pWithLeasingTrueAndJs2pDefaultLikeJs2pWithLeasingFalse() {
		Map<String, Map<Leasing, RecordedCase>> bySituation = new LinkedHashMap<>();
		leaseMatrixCases().forEach((recorded) -> bySituation.computeIfAbsent(recorded.name(), (k) -> new HashMap<>())
			.put(recorded.mode(), recorded));
		assertThat(bySituation).hasSize(7);
		int differences = 0;
		for (Map.Entry<String, Map<Leasing, RecordedCase>> entry : bySituation.entrySet()) {
			Map<Leasing, RecordedCase> modes = entry.getValue();
			assertThat(modes).as(entry.getKey()).containsOnlyKeys(Leasing.values());
			RecordedCase withTrue = modes.get(Leasing.ON);
			RecordedCase omitted = modes.get(Leasing.JS2P_DEFAULT);
			RecordedCase withFalse = modes.get(Leasing.OFF);
			Situation situation = withTrue.situation();
			for (Kind kind : Kind.values()) {
				boolean js2pTrue = kind.delta() ? withTrue.deltaApplied() : withTrue.storeApplied();
				boolean js2pOmitted = kind.delta() ? omitted.deltaApplied() : omitted.storeApplied();
				boolean js2pFalse = kind.delta() ? withFalse.deltaApplied() : withFalse.storeApplied();
				assertThat(allows(Leasing.ON, kind, situation.old(), situation.newOwner(), situation.newTs()))
					.as("ON vs js2p leasing=true: %s %s", entry.getKey(), kind)
					.isEqualTo(js2pTrue);
				// PROTOCOL.md §9 Q2: js2p with leasing omitted behaves exactly like
				// leasing=false.
				assertThat(js2pOmitted).as("js2p omitted vs false: %s %s", entry.getKey(), kind).isEqualTo(js2pFalse);
				assertThat(allows(Leasing.JS2P_DEFAULT, kind, situation.old(), situation.newOwner(), situation.newTs()))
					.as("JS2P_DEFAULT vs js2p leasing=false: %s %s", entry.getKey(), kind)
					.isEqualTo(js2pFalse);
				if (js2pTrue != js2pOmitted) {
					differences++;
				}
			}
		}
		// Enforcement must actually matter in the recorded situations.
		assertThat(differences).isEqualTo(6);
	}

	// ------------------------------------------------------------------ wins: a strict
	// total order

	private static final long SEED = 0x5EED_2026_0707L;

	private static final String[] OWNERS = { "A", "AB", "B", "a", "zz", "9" };

	private static final byte[] @Nullable [] VALUES = { null, {}, { 0 }, { 1 }, { 1, 0 }, { 0x7f }, { (byte) 0x80 },
			{ (byte) 0xff }, { (byte) 0xff, 0 } };

	private static List<Version> randomVersions(int count) {
		Random random = new Random(SEED);
		List<Version> versions = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			byte[] value = VALUES[random.nextInt(VALUES.length)];
			versions.add(new Version((value != null) ? value.clone() : null, OWNERS[random.nextInt(OWNERS.length)],
					NOW + random.nextInt(4)));
		}
		return versions;
	}

	private static boolean sameVersion(Version a, Version b) {
		return a.timestamp == b.timestamp && a.owner.equals(b.owner) && Arrays.equals(a.value, b.value);
	}

	@Test
	void randomVersionsShouldCoverTiesAndTombstones() {
		List<Version> versions = randomVersions(300);
		int sameTsOtherOwner = 0;
		int sameTsSameOwnerOtherValue = 0;
		int tombstoneVsValueSameTsOwner = 0;
		int identicalPairs = 0;
		for (Version a : versions) {
			for (Version b : versions) {
				if (a == b) {
					continue;
				}
				if (sameVersion(a, b)) {
					identicalPairs++;
				}
				else if (a.timestamp == b.timestamp && !a.owner.equals(b.owner)) {
					sameTsOtherOwner++;
				}
				else if (a.timestamp == b.timestamp) {
					sameTsSameOwnerOtherValue++;
					if (a.isTombstone() != b.isTombstone()) {
						tombstoneVsValueSameTsOwner++;
					}
				}
			}
		}
		assertThat(versions).anyMatch(Version::isTombstone);
		assertThat(sameTsOtherOwner).isPositive();
		assertThat(sameTsSameOwnerOtherValue).isPositive();
		assertThat(tombstoneVsValueSameTsOwner).isPositive();
		assertThat(identicalPairs).isPositive();
	}

	@Test
	void winsShouldBeIrreflexive() {
		for (Version version : randomVersions(300)) {
			assertThat(LeaseRule.wins(version, version)).as("wins(v, v)").isFalse();
			Version copy = new Version((version.value != null) ? version.value.clone() : null,
					new String(version.owner), version.timestamp);
			assertThat(LeaseRule.wins(copy, version)).as("wins(copy, v)").isFalse();
			assertThat(LeaseRule.wins(version, copy)).as("wins(v, copy)").isFalse();
		}
	}

	@Test
	void winsShouldPickExactlyOneOfTwoDistinctVersions() {
		List<Version> versions = randomVersions(300);
		for (Version a : versions) {
			for (Version b : versions) {
				boolean ab = LeaseRule.wins(a, b);
				boolean ba = LeaseRule.wins(b, a);
				if (sameVersion(a, b)) {
					assertThat(ab || ba).as("%s vs identical %s", describe(a), describe(b)).isFalse();
				}
				else {
					assertThat(ab ^ ba)
						.as("exactly one of wins(%s, %s)=%s and the reverse=%s", describe(a), describe(b), ab, ba)
						.isTrue();
				}
			}
		}
	}

	@Test
	void winsShouldBeTransitive() {
		List<Version> versions = randomVersions(300);
		long checked = 0;
		for (Version a : versions) {
			for (Version b : versions) {
				if (!LeaseRule.wins(a, b)) {
					continue;
				}
				for (Version c : versions) {
					if (LeaseRule.wins(b, c)) {
						checked++;
						if (!LeaseRule.wins(a, c)) {
							assertThat(LeaseRule.wins(a, c))
								.as("%s > %s > %s but not %s > %s", describe(a), describe(b), describe(c), describe(a),
										describe(c))
								.isTrue();
						}
					}
				}
			}
		}
		assertThat(checked).as("chains a > b > c checked").isGreaterThan(1_000_000);
	}

	@Test
	void winsShouldPreferNewerTimestampThenSmallerOwnerThenDeletionThenLargerValue() {
		byte[] one = { 1 };
		byte[] high = { (byte) 0xff };
		// newer timestamp beats everything else
		assertThat(LeaseRule.wins(new Version(one, "zz", NOW + 1), new Version(null, "A", NOW))).isTrue();
		// same second: the smaller owner id (rule 5's tie-break)
		assertThat(LeaseRule.wins(new Version(one, "A", NOW), new Version(null, "B", NOW))).isTrue();
		assertThat(LeaseRule.wins(new Version(one, "Z", NOW), new Version(one, "a", NOW))).isTrue();
		// same second and owner: a deletion beats a value
		assertThat(LeaseRule.wins(new Version(null, "A", NOW), new Version(high, "A", NOW))).isTrue();
		// then the larger value bytes, compared unsigned
		assertThat(LeaseRule.wins(new Version(high, "A", NOW), new Version(one, "A", NOW))).isTrue();
		assertThat(LeaseRule.wins(new Version(new byte[] { 1, 0 }, "A", NOW), new Version(one, "A", NOW))).isTrue();
		assertThat(LeaseRule.wins(new Version(one, "A", NOW), new Version(new byte[0], "A", NOW))).isTrue();
	}

	private static String describe(Version version) {
		return "(" + version.timestamp + ", " + version.owner + ", "
				+ ((version.value != null) ? Arrays.toString(version.value) : "tombstone") + ")";
	}

}
