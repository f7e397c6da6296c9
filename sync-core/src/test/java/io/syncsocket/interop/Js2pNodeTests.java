package io.syncsocket.interop;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.interop.Js2pNode.Leasing;
import io.syncsocket.interop.Js2pNode.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.syncsocket.interop.Js2pNode.bin;
import static io.syncsocket.interop.Js2pNode.integer;
import static io.syncsocket.interop.Js2pNode.map;
import static io.syncsocket.interop.Js2pNode.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Self-test of the js2p fixture ({@code interop/js2p}) and its wrapper {@link Js2pNode}:
 * two real js2p nodes talking to each other, no syncsocket code involved.
 */
@Tag("slow")
class Js2pNodeTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final List<Js2pNode> nodes = new ArrayList<>();

	@BeforeEach
	void assumeJs2p() {
		Js2pNode.assumeAvailable();
	}

	@AfterEach
	void closeNodes() {
		this.nodes.forEach(Js2pNode::close);
	}

	@Test
	void setOnOneNodeShouldReachTheOther() {
		Js2pNode a = start(Options.sync());
		Js2pNode b = start(Options.sync());
		assertThat(a.protocolId()).isEqualTo(b.protocolId());
		connect(b, a);

		a.set("greeting", str("hello"));

		JsonNode update = b.awaitEvent(Js2pNode.isUpdate("greeting"), TIMEOUT);
		assertThat(update.get("value")).isEqualTo(str("hello"));
		assertThat(update.get("key")).isEqualTo(bin("greeting".getBytes(StandardCharsets.UTF_8)));
		assertThat(update.get("owner").asText()).isEqualTo(a.id());
		assertThat(b.get("greeting")).isEqualTo(str("hello"));
		assertThat(b.get("absent")).isNull();
	}

	@Test
	void valuesShouldKeepTheirMsgpackTypes() {
		Js2pNode a = start(Options.sync().withLeasing(Leasing.FALSE).withSubnet("interop"));
		Js2pNode b = start(Options.sync().withLeasing(Leasing.FALSE).withSubnet("interop"));
		connect(b, a);

		a.set("bytes", bin(new byte[] { 0, 1, (byte) 0xff }));
		a.set("zero", integer(0));
		b.applyDelta("doc", map("n", integer(1L << 40), "s", str("x")));

		assertThat(b.awaitEvent(Js2pNode.isUpdate("bytes"), TIMEOUT).get("value"))
			.isEqualTo(bin(new byte[] { 0, 1, (byte) 0xff }));
		assertThat(b.awaitEvent(Js2pNode.isUpdate("zero"), TIMEOUT).get("value")).isEqualTo(integer(0));
		assertThat(a.awaitEvent(Js2pNode.isUpdate("doc"), TIMEOUT).get("value"))
			.isEqualTo(map("n", integer(1L << 40), "s", str("x")));
		assertThat(b.get("zero")).isEqualTo(integer(0));
		assertThat(a.keys()).containsExactlyInAnyOrder("bytes", "zero", "doc");
	}

	@Test
	void broadcastShouldArriveAsMessageWithSubFlag() {
		Js2pNode a = start(Options.mesh());
		Js2pNode b = start(Options.mesh());
		connect(b, a);

		a.send(List.of(str("ping"), integer(7)));

		JsonNode message = b.awaitEvent(Js2pNode.isMessage(), TIMEOUT);
		assertThat(message.get("sender").asText()).isEqualTo(a.id());
		assertThat(message.get("packets")).containsExactly(integer(0), str("ping"), integer(7));
	}

	@Test
	void failingCommandShouldThrowAndTryCommandShouldReport() {
		Js2pNode a = start(Options.sync());
		a.set("k", str("v"));

		assertThat(a.del("k").path("ok").asBoolean()).isFalse();
		assertThat(a.del("k").path("error").asText()).contains("TypeError");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> a.command("no-such-command", Map.of()))
			.withMessageContaining("unknown command");
	}

	private Js2pNode start(Options options) {
		Js2pNode node = Js2pNode.start(options);
		this.nodes.add(node);
		return node;
	}

	/** Dial and wait until both sides have registered the link. */
	private static void connect(Js2pNode dialer, Js2pNode acceptor) {
		dialer.connect(Js2pNode.HOST, acceptor.port());
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(acceptor.status().path("peerCount").asInt()).isEqualTo(1);
			assertThat(dialer.status().path("peerCount").asInt()).isEqualTo(1);
		});
		assertThat(acceptor.peers().path(0).path("id").asText()).isEqualTo(dialer.id());
	}

}
