package io.syncsocket.interop;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.DeletePolicy;
import io.syncsocket.LeaseHeldException;
import io.syncsocket.Leasing;
import io.syncsocket.MeshOptions;
import io.syncsocket.Metatuple;
import io.syncsocket.MutableClock;
import io.syncsocket.Peer;
import io.syncsocket.SyncEvent;
import io.syncsocket.SyncListener;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.interop.Js2pNode.Options;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static io.syncsocket.interop.Js2pNode.HOST;
import static io.syncsocket.interop.Js2pNode.array;
import static io.syncsocket.interop.Js2pNode.bin;
import static io.syncsocket.interop.Js2pNode.bool;
import static io.syncsocket.interop.Js2pNode.floating;
import static io.syncsocket.interop.Js2pNode.integer;
import static io.syncsocket.interop.Js2pNode.map;
import static io.syncsocket.interop.Js2pNode.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The Java {@link SyncSocket} against real js2p 0.7.870 SyncSockets over loopback TCP
 * (PROTOCOL.md §2.1, §2.4, §7, §9 Q1, §11.1): value types and metadata in both
 * directions, full-state transfer of 1,000 keys in both directions, lease enforcement,
 * relaying between js2p nodes, deletes (which js2p cannot take) and peer dialects.
 *
 * <p>
 * Time is handled so that every outcome is deterministic. js2p stamps its own metadata
 * and the broadcast carrying a write with two separate clock reads (§9 Q14), so tests
 * that compare js2p's local timestamp with what a receiver stored issue their js2p writes
 * early in a wall-clock second. Tests where a write must lose a lease wait until the wall
 * clock has left the holder's second, so that the same-second tie-break (§7.4 rule 5,
 * decided by the node ids) cannot apply; the tie-break itself is tested with a Java node
 * whose id is fixed to sort before or after every js2p id and whose clock is set to
 * js2p's second.
 */
@Tag("slow")
class SyncInteropTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long to watch for something that must not happen (a second copy, a lost link).
	 */
	private static final Duration QUIET = Duration.ofMillis(1500);

	private static final int BULK_KEYS = 1000;

	private static final Duration BULK_TIMEOUT = Duration.ofSeconds(20);

	private final List<AutoCloseable> resources = new ArrayList<>();

	@BeforeEach
	void assumeJs2p() {
		Js2pNode.assumeAvailable();
	}

	@AfterEach
	void closeEverything() throws Exception {
		List<AutoCloseable> reversed = new ArrayList<>(this.resources);
		Collections.reverse(reversed);
		Exception failure = null;
		for (AutoCloseable resource : reversed) {
			try {
				resource.close();
			}
			catch (Exception ex) {
				failure = (failure != null) ? failure : ex;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	// ------------------------------------------------------------------ values and
	// metadata

	@ParameterizedTest(name = "{0}")
	@EnumSource(LeaseMode.class)
	void javaSetShouldReachJs2pWithItsType(LeaseMode mode) {
		Js2pNode js2p = startJs2p(mode.js2pOptions());
		SyncSocket java = startJava(mode.java());
		assertThat(java.protocolId()).isEqualTo(js2p.protocolId());
		linkJavaToJs2p(java, js2p);
		List<Sample> samples = List.of(new Sample("str", "text", str("text")), new Sample("str.empty", "", str("")),
				new Sample("bin", new byte[] { 0, 1, (byte) 0xff }, bin(new byte[] { 0, 1, (byte) 0xff })),
				new Sample("int", 42, integer(42)), new Sample("int.zero", 0, integer(0)),
				new Sample("int.negative", -5, integer(-5)), new Sample("int.large", 1L << 40, integer(1L << 40)),
				new Sample("float", 3.5, floating(3.5)), new Sample("float.negative", -0.25, floating(-0.25)),
				new Sample("bool", true, bool(true)), new Sample("bool.false", false, bool(false)),
				new Sample("array", List.of(1, "a", new byte[] { 1, 2 }),
						array(integer(1), str("a"), bin(new byte[] { 1, 2 }))),
				new Sample("map", orderedMap("x", 1, "y", "z"), map("x", integer(1), "y", str("z"))));

		for (Sample sample : samples) {
			java.set(sample.key(), sample.javaValue());
		}

		for (Sample sample : samples) {
			JsonNode update = awaitJs2pUpdate(js2p, sample.key());
			Metatuple meta = java.meta(sample.key());
			assertThat(meta).isNotNull();
			assertThat(update.get("key")).as(sample.key())
				.isEqualTo(bin(sample.key().getBytes(StandardCharsets.UTF_8)));
			assertThat(update.get("value")).as(sample.key()).isEqualTo(sample.typed());
			assertThat(update.path("owner").asText()).as(sample.key()).isEqualTo(java.id());
			assertThat(update.path("timestamp").asLong()).as(sample.key()).isEqualTo(meta.timestamp());
			assertThat(js2p.get(sample.key())).as(sample.key()).isEqualTo(sample.typed());
		}
		JsonNode items = js2p.items();
		assertThat(items).hasSize(samples.size());
		for (JsonNode item : items) {
			Metatuple meta = java.meta(item.get(0).asText());
			assertThat(meta).as(item.get(0).asText()).isNotNull();
			assertThat(item.get(2).asText()).isEqualTo(java.id());
			assertThat(item.get(3).asLong()).isEqualTo(meta.timestamp());
		}
		assertNoLinkErrors(java, js2p);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(LeaseMode.class)
	void js2pSetAndApplyDeltaShouldReachJavaWithJs2pOwnerAndTime(LeaseMode mode) {
		Js2pNode js2p = startJs2p(mode.js2pOptions());
		SyncSocket java = startJava(mode.java());
		List<SyncEvent> events = record(java);
		linkJavaToJs2p(java, js2p);

		awaitEarlyInSecond();
		js2p.set("greeting", str("hello"));
		js2p.set("bytes", bin(new byte[] { 0, (byte) 0x80, (byte) 0xff }));
		js2p.set("zero", integer(0));
		js2p.set("negative", integer(-7));
		js2p.set("ratio", floating(0.5));
		js2p.set("flag", bool(false));
		js2p.set("list", array(integer(1), str("a"), bool(true)));
		js2p.set("config", map("x", integer(1), "y", str("z")));
		js2p.applyDelta("doc", map("a", integer(1)));
		js2p.applyDelta("doc", map("b", str("x")));

		List<String> keys = List.of("greeting", "bytes", "zero", "negative", "ratio", "flag", "list", "config", "doc");
		await().atMost(TIMEOUT).until(() -> events.size() == keys.size() + 1);
		assertThat(java.get("greeting")).isEqualTo("hello");
		assertThat(java.getBytes("bytes")).containsExactly(0, 0x80, 0xff);
		assertThat(java.get("zero")).isEqualTo(0L);
		assertThat(java.get("negative")).isEqualTo(-7L);
		assertThat(java.get("ratio")).isEqualTo(0.5);
		assertThat(java.get("flag")).isEqualTo(false);
		assertThat(java.getList("list")).containsExactly(1L, "a", true);
		assertThat(java.getMap("config")).isEqualTo(Map.of("x", 1L, "y", "z"));
		assertThat(java.getMap("doc")).isEqualTo(Map.of("a", 1L, "b", "x"));
		assertThat(events).allSatisfy((event) -> {
			assertThat(event.type()).isEqualTo(SyncEvent.Type.UPDATE);
			assertThat(event.origin()).isEqualTo(SyncEvent.Origin.REMOTE);
			assertThat(event.meta().owner()).isEqualTo(js2p.id());
		});
		for (String key : keys) {
			JsonNode js2pUpdate = lastJs2pUpdate(js2p, key);
			assertThat(js2pUpdate).as(key).isNotNull();
			Metatuple expected = new Metatuple(js2p.id(), js2pUpdate.path("timestamp").asLong());
			assertThat(java.meta(key)).as(key).isEqualTo(expected);
			assertThat(lastEvent(events, key).meta()).as(key).isEqualTo(expected);
		}
		List<SyncEvent> docEvents = events.stream().filter((event) -> event.key().equals("doc")).toList();
		assertThat(docEvents).extracting(SyncEvent::value).containsExactly(Map.of("a", 1L), Map.of("a", 1L, "b", "x"));
		assertNoLinkErrors(java, js2p);
	}

	// ------------------------------------------------------------------ full-state
	// transfer

	@ParameterizedTest(name = "{0}")
	@EnumSource(Dialer.class)
	void js2pJoiningJavaShouldReceiveEveryKey(Dialer dialer) {
		SyncSocket java = startJava(Leasing.JS2P_DEFAULT);
		Map<String, Object> entries = new LinkedHashMap<>();
		for (int i = 0; i < BULK_KEYS; i++) {
			entries.put(bulkKey(i), bulkJavaValue(i));
		}
		java.update(entries);
		Js2pNode js2p = startJs2p(Options.sync());

		dialer.link(java, js2p);

		await().atMost(BULK_TIMEOUT).until(() -> js2p.keys().size() == BULK_KEYS);
		JsonNode items = js2p.items();
		assertThat(items).hasSize(BULK_KEYS);
		for (JsonNode item : items) {
			String key = item.get(0).asText();
			int index = Integer.parseInt(key.substring("bulk-".length()));
			Metatuple meta = java.meta(key);
			assertThat(meta).as(key).isNotNull();
			assertThat(item.get(1)).as(key).isEqualTo(bulkTyped(index));
			assertThat(item.get(2).asText()).as(key).isEqualTo(java.id());
			assertThat(item.get(3).asLong()).as(key).isEqualTo(meta.timestamp());
		}
		assertNoLinkErrors(java, js2p);
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(Dialer.class)
	void javaJoiningJs2pShouldReceiveEveryKeyWithJs2pMeta(Dialer dialer) {
		Js2pNode js2p = startJs2p(Options.sync());
		for (int i = 0; i < BULK_KEYS; i++) {
			js2p.set(bulkKey(i), bulkTyped(i));
		}
		SyncSocket java = startJava(Leasing.JS2P_DEFAULT);
		List<SyncEvent> events = record(java);

		dialer.link(java, js2p);

		await().atMost(BULK_TIMEOUT).until(() -> events.size() >= BULK_KEYS);
		assertThat(events).hasSize(BULK_KEYS).allSatisfy((event) -> {
			assertThat(event.type()).isEqualTo(SyncEvent.Type.UPDATE);
			assertThat(event.origin()).isEqualTo(SyncEvent.Origin.STATE_TRANSFER);
		});
		assertThat(java.size()).isEqualTo(BULK_KEYS);
		JsonNode items = js2p.items();
		assertThat(items).hasSize(BULK_KEYS);
		for (JsonNode item : items) {
			String key = item.get(0).asText();
			int index = Integer.parseInt(key.substring("bulk-".length()));
			assertThat(java.meta(key)).as(key).isEqualTo(new Metatuple(js2p.id(), item.get(3).asLong()));
			assertThat(item.get(2).asText()).as(key).isEqualTo(js2p.id());
			if (index % 3 == 2) {
				assertThat(java.getBytes(key)).as(key).isEqualTo(bulkBytes(index));
			}
			else {
				assertThat(java.get(key)).as(key).isEqualTo(bulkJavaValue(index));
			}
		}
		assertNoLinkErrors(java, js2p);
	}

	// ------------------------------------------------------------------ leases

	@Test
	void leasesShouldBeEnforcedBetweenJavaAndJs2pWithLeasingOn() {
		Js2pNode js2p = startJs2p(Options.sync().withLeasing(Js2pNode.Leasing.TRUE));
		SyncSocket java = startJava(Leasing.ON);
		assertThat(java.protocolId()).isEqualTo(js2p.protocolId());
		linkJavaToJs2p(java, js2p);

		js2p.set("theirs", str("js2p"));
		await().atMost(TIMEOUT).until(() -> "js2p".equals(java.get("theirs")));
		long theirTime = java.meta("theirs").timestamp();
		awaitSecondAfter(theirTime);

		assertThatExceptionOfType(LeaseHeldException.class).isThrownBy(() -> java.set("theirs", "java"))
			.satisfies((ex) -> {
				assertThat(ex.key()).isEqualTo("theirs");
				assertThat(ex.owner()).isEqualTo(js2p.id());
				assertThat(ex.leaseEnds()).isEqualTo(Instant.ofEpochSecond(theirTime + 3600));
			});
		assertThat(java.get("theirs")).isEqualTo("js2p");
		assertThat(java.meta("theirs")).isEqualTo(new Metatuple(js2p.id(), theirTime));

		java.set("mine", "java");
		JsonNode update = awaitJs2pUpdate(js2p, "mine");
		assertThat(update.path("owner").asText()).isEqualTo(java.id());
		long myTime = java.meta("mine").timestamp();
		awaitSecondAfter(myTime);

		JsonNode reply = js2p.tryCommand("set", Map.of("key", "mine", "value", str("js2p")));

		assertThat(reply.path("ok").asBoolean()).as("js2p reply %s", reply).isFalse();
		assertThat(reply.path("message").asText()).contains("You don't have permission to change this yet");
		assertThat(js2p.get("mine")).isEqualTo(str("java"));
		assertThat(js2p.items()).anySatisfy((item) -> {
			assertThat(item.get(0).asText()).isEqualTo("mine");
			assertThat(item.get(2).asText()).isEqualTo(java.id());
			assertThat(item.get(3).asLong()).isEqualTo(myTime);
		});
		await().during(QUIET).atMost(QUIET.plus(TIMEOUT)).untilAsserted(() -> {
			assertThat(java.get("mine")).isEqualTo("java");
			assertThat(java.meta("mine")).isEqualTo(new Metatuple(java.id(), myTime));
		});
		assertNoLinkErrors(java, js2p);
	}

	@Test
	void sameSecondWriteByTheSmallerIdShouldWinOnJavaAndJs2p() {
		Js2pNode js2p = startJs2p(Options.sync().withLeasing(Js2pNode.Leasing.TRUE));
		MutableClock clock = MutableClock.atNow();
		// '1' is the smallest base58 digit and never leads a js2p id (leading zero digits
		// vanish, §3.1)
		SyncSocket java = startJava(SyncOptions.builder()
			.leasing(Leasing.ON)
			.mesh((mesh) -> mesh.nodeId("1".repeat(66)).clock(clock))
			.build());
		assertThat(java.id()).isLessThan(js2p.id());
		linkJavaToJs2p(java, js2p);
		long tie = js2pWritesAndJavaClockFollows(js2p, java, clock, "tie");

		java.set("tie", "java");

		assertThat(java.meta("tie")).isEqualTo(new Metatuple(java.id(), tie));
		JsonNode update = await("js2p accepting the same-second write").atMost(TIMEOUT)
			.until(() -> lastJs2pUpdate(js2p, "tie"),
					(last) -> last != null && java.id().equals(last.path("owner").asText()));
		assertThat(update.path("timestamp").asLong()).isEqualTo(tie);
		assertThat(update.get("value")).isEqualTo(str("java"));
		assertThat(js2p.get("tie")).isEqualTo(str("java"));
		assertNoLinkErrors(java, js2p);
	}

	@Test
	void sameSecondWriteByTheLargerIdShouldBeRefused() {
		Js2pNode js2p = startJs2p(Options.sync().withLeasing(Js2pNode.Leasing.TRUE));
		MutableClock clock = MutableClock.atNow();
		// 'z' is the largest base58 digit, so this id sorts after every 66-character js2p
		// id
		SyncSocket java = startJava(SyncOptions.builder()
			.leasing(Leasing.ON)
			.mesh((mesh) -> mesh.nodeId("z".repeat(66)).clock(clock))
			.build());
		assertThat(java.id()).isGreaterThan(js2p.id());
		linkJavaToJs2p(java, js2p);
		long tie = js2pWritesAndJavaClockFollows(js2p, java, clock, "tie");

		assertThatExceptionOfType(LeaseHeldException.class).isThrownBy(() -> java.set("tie", "java"))
			.satisfies((ex) -> assertThat(ex.owner()).isEqualTo(js2p.id()));

		assertThat(java.meta("tie")).isEqualTo(new Metatuple(js2p.id(), tie));
		assertThat(java.get("tie")).isEqualTo("js2p");
		assertThat(js2p.get("tie")).isEqualTo(str("js2p"));
		assertNoLinkErrors(java, js2p);
	}

	// ------------------------------------------------------------------ relaying

	@Test
	void js2pSetShouldReachAnotherJs2pThroughJavaExactlyOnce() {
		Js2pNode a = startJs2p(Options.sync());
		Js2pNode b = startJs2p(Options.sync());
		SyncSocket java = startJava(Leasing.JS2P_DEFAULT, DeletePolicy.EXCEPT_TO_JS2P, 0);
		List<SyncEvent> events = record(java);
		linkJavaToJs2p(java, a);
		linkJavaToJs2p(java, b);

		awaitEarlyInSecond();
		a.set("relayed", str("once"));

		JsonNode local = awaitJs2pUpdate(a, "relayed");
		JsonNode received = awaitJs2pUpdate(b, "relayed");
		assertThat(received.get("value")).isEqualTo(str("once"));
		assertThat(received.path("owner").asText()).isEqualTo(a.id());
		assertThat(received.path("timestamp").asLong()).isEqualTo(local.path("timestamp").asLong());
		// B relays the broadcast back to the Java node (everyone but the author,
		// PROTOCOL.md §6.2), which drops it as already seen instead of applying or
		// relaying it again
		await().atMost(TIMEOUT).until(() -> java.stats().duplicatesDropped() >= 1);
		await().during(QUIET).atMost(QUIET.plus(TIMEOUT)).untilAsserted(() -> {
			assertThat(countJs2pUpdates(b, "relayed")).isEqualTo(1);
			assertThat(countJs2pUpdates(a, "relayed")).isEqualTo(1);
			assertThat(events).hasSize(1);
		});
		assertThat(java.stats().broadcastsRelayed()).isEqualTo(1);
		assertThat(events.get(0).origin()).isEqualTo(SyncEvent.Origin.REMOTE);
		assertThat(events.get(0).meta()).isEqualTo(new Metatuple(a.id(), local.path("timestamp").asLong()));
		assertThat(b.get("relayed")).isEqualTo(str("once"));
		// A and B were connected only through the Java node, and stayed so
		assertThat(a.peers()).extracting((peer) -> peer.path("id").asText()).containsExactly(java.id());
		assertThat(b.peers()).extracting((peer) -> peer.path("id").asText()).containsExactly(java.id());
		assertNoLinkErrors(java, a, b);
	}

	// ------------------------------------------------------------------ deletes

	@Test
	void javaDeleteShouldSpareJs2pLinksAndReachJavaPeersByDefault() {
		Js2pNode js2p = startJs2p(Options.sync());
		SyncSocket java = startJava(Leasing.JS2P_DEFAULT);
		SyncSocket otherJava = startJava(Leasing.JS2P_DEFAULT, DeletePolicy.EXCEPT_TO_JS2P, 0);
		assertThat(java.syncOptions().deletePolicy()).isEqualTo(DeletePolicy.EXCEPT_TO_JS2P);
		linkJavaToJs2p(java, js2p);
		otherJava.connect(HOST, java.boundAddress().getPort());
		await().atMost(TIMEOUT).until(() -> java.peers().size() == 2);
		List<SyncEvent> otherEvents = record(otherJava);
		java.set("doomed", "value");
		awaitJs2pUpdate(js2p, "doomed");
		await().atMost(TIMEOUT).until(() -> "value".equals(otherJava.get("doomed")));

		java.del("doomed");

		await().atMost(TIMEOUT).until(() -> !otherJava.containsKey("doomed"));
		SyncEvent delete = lastEvent(otherEvents, "doomed");
		assertThat(delete.type()).isEqualTo(SyncEvent.Type.DELETE);
		assertThat(delete.origin()).isEqualTo(SyncEvent.Origin.REMOTE);
		assertThat(delete.meta().owner()).isEqualTo(java.id());
		java.set("after", "still linked");
		JsonNode after = awaitJs2pUpdate(js2p, "after");
		assertThat(after.path("owner").asText()).isEqualTo(java.id());
		assertThat(js2p.peers()).extracting((peer) -> peer.path("id").asText()).contains(java.id());
		assertThat(java.peers()).extracting(Peer::id).contains(js2p.id());
		// js2p never saw the delete, so it keeps its copy
		assertThat(js2p.get("doomed")).isEqualTo(str("value"));
		assertThat(js2p.events()).noneMatch(Js2pNode.isEvent("delete"));
		assertNoLinkErrors(java, js2p);
		assertNoLinkErrors(otherJava);
	}

	@Test
	void javaDeleteWithPolicyAlwaysShouldBeRelayedByJs2pWhichThenDropsTheLink() {
		Js2pNode js2p = startJs2p(Options.sync());
		SyncSocket deleter = startJava(Leasing.JS2P_DEFAULT, DeletePolicy.ALWAYS, 0);
		SyncSocket bystander = startJava(Leasing.JS2P_DEFAULT, DeletePolicy.EXCEPT_TO_JS2P, 0);
		linkJavaToJs2p(deleter, js2p);
		linkJavaToJs2p(bystander, js2p);
		List<SyncEvent> bystanderEvents = record(bystander);
		deleter.set("doomed", "value");
		awaitJs2pUpdate(js2p, "doomed");
		// the bystander is connected to js2p only: it gets the value through js2p's relay
		await().atMost(TIMEOUT).until(() -> "value".equals(bystander.get("doomed")));

		deleter.del("doomed");

		// PROTOCOL.md §9 Q1: js2p relays the nil store first ...
		await().atMost(TIMEOUT).until(() -> !bystander.containsKey("doomed"));
		SyncEvent delete = lastEvent(bystanderEvents, "doomed");
		assertThat(delete.type()).isEqualTo(SyncEvent.Type.DELETE);
		assertThat(delete.origin()).isEqualTo(SyncEvent.Origin.REMOTE);
		assertThat(delete.meta().owner()).isEqualTo(deleter.id());
		// ... then fails on it and drops the link it arrived on
		JsonNode linkError = js2p.awaitEvent(Js2pNode.isEvent("link_error"), TIMEOUT);
		assertThat(linkError.path("message").asText()).contains("TypeError");
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(js2p.peers()).extracting((peer) -> peer.path("id").asText()).containsExactly(bystander.id());
			assertThat(deleter.peers()).isEmpty();
		});
		assertThat(js2p.get("doomed")).isEqualTo(str("value"));
		assertThat(js2p.events()).noneMatch(Js2pNode.isEvent("delete"));
		// the bystander's link survives (it does not relay deletes back to js2p)
		bystander.set("after", "still linked");
		assertThat(awaitJs2pUpdate(js2p, "after").path("owner").asText()).isEqualTo(bystander.id());
		assertThat(js2p.status().path("exceptions")).hasSize(1);
		assertNoLinkErrors(bystander);
	}

	// ------------------------------------------------------------------ dialects

	@Test
	void peerDialectShouldTellJs2pFromJava() {
		Js2pNode dialed = startJs2p(Options.sync());
		Js2pNode dialing = startJs2p(Options.sync());
		SyncSocket java = startJava(Leasing.JS2P_DEFAULT);
		SyncSocket otherJava = startJava(Leasing.JS2P_DEFAULT, DeletePolicy.EXCEPT_TO_JS2P, 0);

		linkJavaToJs2p(java, dialed);
		dialing.connect(HOST, java.boundAddress().getPort());
		otherJava.connect(HOST, java.boundAddress().getPort());

		await().atMost(TIMEOUT).until(() -> java.peers().size() == 3);
		assertThat(java.peers()).extracting(Peer::id, Peer::direction, Peer::dialect)
			.containsExactlyInAnyOrder(tuple(dialed.id(), Peer.Direction.OUTBOUND, Peer.Dialect.JS2P),
					tuple(dialing.id(), Peer.Direction.INBOUND, Peer.Dialect.JS2P),
					tuple(otherJava.id(), Peer.Direction.INBOUND, Peer.Dialect.SYNCSOCKET));
		assertThat(otherJava.peers()).extracting(Peer::id, Peer::dialect)
			.containsExactly(tuple(java.id(), Peer.Dialect.SYNCSOCKET));
		assertNoLinkErrors(java, dialed, dialing);
	}

	// ------------------------------------------------------------------ helpers

	private Js2pNode startJs2p(Options options) {
		return register(Js2pNode.start(options));
	}

	/**
	 * js2p writes {@code key}; once the Java node has it, the Java clock is set to the
	 * second js2p stamped, so that the Java node's next write is a same-second tie (§7.4
	 * rule 5).
	 * @return that second
	 */
	private static long js2pWritesAndJavaClockFollows(Js2pNode js2p, SyncSocket java, MutableClock clock, String key) {
		awaitEarlyInSecond();
		js2p.set(key, str("js2p"));
		await().atMost(TIMEOUT).until(() -> "js2p".equals(java.get(key)));
		long tie = java.meta(key).timestamp();
		// js2p's own metadata and its broadcast carry the same second (PROTOCOL.md §9
		// Q14)
		assertThat(awaitJs2pUpdate(js2p, key).path("timestamp").asLong()).isEqualTo(tie);
		clock.advance(Duration.ofSeconds(tie - clock.instant().getEpochSecond()));
		return tie;
	}

	private SyncSocket startJava(Leasing leasing) {
		return startJava(leasing, DeletePolicy.EXCEPT_TO_JS2P, MeshOptions.DEFAULT_MAX_OUTGOING);
	}

	/**
	 * A Java node on 127.0.0.1 and an ephemeral port; {@code maxOutgoing} 0 keeps it from
	 * following peer lists.
	 */
	private SyncSocket startJava(Leasing leasing, DeletePolicy deletePolicy, int maxOutgoing) {
		return startJava(SyncOptions.builder()
			.leasing(leasing)
			.deletePolicy(deletePolicy)
			.mesh((mesh) -> mesh.maxOutgoing(maxOutgoing))
			.build());
	}

	private SyncSocket startJava(SyncOptions options) {
		return register(new SyncSocket(options)).start();
	}

	private <T extends AutoCloseable> T register(T resource) {
		this.resources.add(resource);
		return resource;
	}

	/** Java dials js2p; returns once both have registered the link. */
	private static void linkJavaToJs2p(SyncSocket java, Js2pNode js2p) {
		Peer peer = java.connect(HOST, js2p.port());
		assertThat(peer.id()).isEqualTo(js2p.id());
		awaitJs2pPeer(js2p, java.id());
	}

	/** js2p dials Java; returns once both have registered the link. */
	private static void linkJs2pToJava(Js2pNode js2p, SyncSocket java) {
		js2p.connect(HOST, java.boundAddress().getPort());
		await().atMost(TIMEOUT).until(() -> java.peers().stream().anyMatch((peer) -> peer.id().equals(js2p.id())));
		awaitJs2pPeer(js2p, java.id());
	}

	private static void awaitJs2pPeer(Js2pNode js2p, String id) {
		await().atMost(TIMEOUT).until(() -> {
			for (JsonNode entry : js2p.peers()) {
				if (id.equals(entry.path("id").asText()) && entry.hasNonNull("port")) {
					return true;
				}
			}
			return false;
		});
	}

	/** Collects every change a Java node reports, in order. */
	private static List<SyncEvent> record(SyncSocket java) {
		List<SyncEvent> events = new CopyOnWriteArrayList<>();
		java.addSyncListener(new SyncListener() {

			@Override
			public void onUpdate(SyncEvent event) {
				events.add(event);
			}

			@Override
			public void onDelete(SyncEvent event) {
				events.add(event);
			}

		});
		return events;
	}

	private static SyncEvent lastEvent(List<SyncEvent> events, String key) {
		SyncEvent last = null;
		for (SyncEvent event : events) {
			if (event.key().equals(key)) {
				last = event;
			}
		}
		assertThat(last).as("event for '%s' in %s", key, events).isNotNull();
		return last;
	}

	/**
	 * The latest js2p {@code update} event for a key (local or remote), without consuming
	 * events.
	 */
	private static JsonNode awaitJs2pUpdate(Js2pNode js2p, String key) {
		return await("update of '" + key + "' on " + js2p).atMost(TIMEOUT)
			.until(() -> lastJs2pUpdate(js2p, key), (update) -> update != null);
	}

	private static @Nullable JsonNode lastJs2pUpdate(Js2pNode js2p, String key) {
		Predicate<JsonNode> isUpdate = Js2pNode.isUpdate(key);
		JsonNode last = null;
		for (JsonNode event : js2p.events()) {
			if (isUpdate.test(event)) {
				last = event;
			}
		}
		return last;
	}

	private static long countJs2pUpdates(Js2pNode js2p, String key) {
		return js2p.events().stream().filter(Js2pNode.isUpdate(key)).count();
	}

	/**
	 * Waits until the wall clock is in the first half of a second, so that the js2p
	 * writes that follow read the same second for their metadata and for their broadcast
	 * (PROTOCOL.md §9 Q14) and their timestamps can be compared exactly.
	 */
	private static void awaitEarlyInSecond() {
		await().atMost(Duration.ofSeconds(2))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> System.currentTimeMillis() % 1000 < 500);
	}

	/**
	 * Waits until the wall clock has left {@code epochSecond}, so that a write now is
	 * stamped later.
	 */
	private static void awaitSecondAfter(long epochSecond) {
		await().atMost(Duration.ofSeconds(3))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(10))
			.until(() -> Instant.now().getEpochSecond() > epochSecond);
	}

	private static void assertNoLinkErrors(SyncSocket java, Js2pNode... js2pNodes) {
		assertThat(java.stats().linkErrors()).as("Java link errors: %s", java.stats().faults()).isZero();
		for (Js2pNode js2p : js2pNodes) {
			assertThat(js2p.status().path("exceptions")).as("%s exceptions", js2p).isEmpty();
			assertThat(js2p.events()).noneMatch(Js2pNode.isEvent("link_error").or(Js2pNode.isEvent("error")));
		}
	}

	private static Map<String, Object> orderedMap(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	private static String bulkKey(int index) {
		return String.format("bulk-%04d", index);
	}

	/** Every third value a str, an int, a bin. */
	private static Object bulkJavaValue(int index) {
		return switch (index % 3) {
			case 0 -> "value-" + index;
			case 1 -> (long) index;
			default -> bulkBytes(index);
		};
	}

	private static JsonNode bulkTyped(int index) {
		return switch (index % 3) {
			case 0 -> str("value-" + index);
			case 1 -> integer(index);
			default -> bin(bulkBytes(index));
		};
	}

	private static byte[] bulkBytes(int index) {
		return new byte[] { (byte) (index >> 8), (byte) index };
	}

	/** A Java value and the typed value js2p must report for it. */
	private record Sample(String key, Object javaValue, JsonNode typed) {
	}

	/** A Java leasing mode and the js2p leasing argument that speak the same protocol. */
	enum LeaseMode {

		/**
		 * Java {@link Leasing#JS2P_DEFAULT}, js2p leasing omitted: {@code sync1}, leases
		 * not enforced.
		 */
		JS2P_DEFAULT(Leasing.JS2P_DEFAULT, Js2pNode.Leasing.OMITTED),

		/**
		 * Java {@link Leasing#ON}, js2p {@code --leasing true}: {@code sync1}, leases
		 * enforced.
		 */
		ENFORCED(Leasing.ON, Js2pNode.Leasing.TRUE);

		private final Leasing java;

		private final Js2pNode.Leasing js2p;

		LeaseMode(Leasing java, Js2pNode.Leasing js2p) {
			this.java = java;
			this.js2p = js2p;
		}

		Leasing java() {
			return this.java;
		}

		Options js2pOptions() {
			return Options.sync().withLeasing(this.js2p);
		}

	}

	/** Which side opens the TCP connection. */
	enum Dialer {

		JAVA_DIALS_JS2P {

			@Override
			void link(SyncSocket java, Js2pNode js2p) {
				linkJavaToJs2p(java, js2p);
			}

		},

		JS2P_DIALS_JAVA {

			@Override
			void link(SyncSocket java, Js2pNode js2p) {
				linkJs2pToJava(js2p, java);
			}

		};

		abstract void link(SyncSocket java, Js2pNode js2p);

	}

}
