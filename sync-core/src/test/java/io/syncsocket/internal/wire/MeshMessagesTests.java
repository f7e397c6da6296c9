package io.syncsocket.internal.wire;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.syncsocket.LinkFault;
import io.syncsocket.Peer;
import io.syncsocket.internal.wire.MeshMessages.Handshake;
import io.syncsocket.internal.wire.MeshMessages.PeerEntry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link MeshMessages}: handshakes and peer lists parsed into records, with the dialect
 * read from the encoding (PROTOCOL.md §5.1).
 */
class MeshMessagesTests {

	private static final String SENDER = "Sender6yGmS4Zc7hVwQ2Lx";

	@Test
	void handshakeShouldBeParsedWithTheDialectItsEncodingShows() {
		byte[] protocolBytes = "proto".getBytes(StandardCharsets.US_ASCII);
		Handshake syncsocket = MeshMessages
			.handshake(handshake("node", protocolBytes, List.of("127.0.0.1", 4444L), List.of(3L, 2L)));
		assertThat(syncsocket).isEqualTo(new Handshake("node", "proto",
				InetSocketAddress.createUnresolved("127.0.0.1", 4444), List.of(3, 2), Peer.Dialect.SYNCSOCKET));
		assertThat(MeshMessages.handshake(handshake("node", "proto", List.of("h", 1L), List.of())).dialect())
			.isEqualTo(Peer.Dialect.JS2P);
		assertThat(MeshMessages
			.handshake(
					handshake("node".getBytes(StandardCharsets.US_ASCII), protocolBytes, List.of("h", 1L), List.of()))
			.dialect()).isEqualTo(Peer.Dialect.PY2P);
	}

	@Test
	void compressionIdsOutsideAByteShouldBeDropped() {
		assertThat(MeshMessages.compression(List.of(1L, 256L, -1L, 255L))).containsExactly(1, 255);
		assertThat(MeshMessages.compression(List.of(1L, "zlib"))).isNull();
		assertThat(MeshMessages.compression("zlib")).isNull();
	}

	@Test
	void handshakeWithAWrongElementShouldNameEveryElementType() {
		assertThatExceptionOfType(WireFormatException.class)
			.isThrownBy(() -> MeshMessages.handshake(handshake("node", "proto", List.of("h", 70000L), List.of())))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(LinkFault.INVALID_HANDSHAKE))
			.withMessageContaining("address an array of 2");
		assertThatExceptionOfType(WireFormatException.class)
			.isThrownBy(() -> MeshMessages.handshake(handshake("", "proto", List.of("h", 1L), List.of())))
			.withMessageStartingWith("handshake element types: id ");
		assertThatExceptionOfType(WireFormatException.class)
			.isThrownBy(() -> MeshMessages.handshake(handshake("node", 7L, List.of("h", 1L), List.of())))
			.withMessageContaining("protocol an integer");
	}

	@Test
	void peerListShouldKeepWellFormedEntriesOnly() {
		List<Object> entries = new ArrayList<>();
		entries.add(List.of(List.of("127.0.0.1", 5000L), "a"));
		entries.add(List.of(List.of("127.0.0.1"), "b"));
		entries.add("c");
		entries.add(List.of(List.of("127.0.0.2", 5001L), "d".getBytes(StandardCharsets.US_ASCII)));
		WireMessage message = decode(Flags.WHISPER, List.of(Flags.PEERS, entries));
		assertThat(MeshMessages.peers(message)).containsExactly(
				new PeerEntry(InetSocketAddress.createUnresolved("127.0.0.1", 5000), "a"),
				new PeerEntry(InetSocketAddress.createUnresolved("127.0.0.2", 5001), "d"));
	}

	@Test
	void malformedPeersAndRequestsShouldNotBeRelayed() {
		WireMessage noList = decode(Flags.BROADCAST, List.of(Flags.PEERS, "x"));
		assertThat(MeshMessages.isInvalidBroadcast(noList)).isTrue();
		assertThatExceptionOfType(WireFormatException.class).isThrownBy(() -> MeshMessages.peers(noList))
			.satisfies((ex) -> assertThat(ex.fault()).isEqualTo(LinkFault.INVALID_MESSAGE));
		assertThat(MeshMessages.isInvalidBroadcast(decode(Flags.BROADCAST, List.of(Flags.PEERS, List.of())))).isFalse();
		assertThat(MeshMessages.isInvalidBroadcast(decode(Flags.BROADCAST, List.of(Flags.REQUEST, "*")))).isTrue();
		assertThat(MeshMessages.isInvalidBroadcast(decode(Flags.BROADCAST, List.of(Flags.REQUEST, "r1", "target"))))
			.isFalse();
		assertThat(MeshMessages.isInvalidBroadcast(decode(Flags.BROADCAST, List.of(Flags.STORE, "k", "v")))).isFalse();
	}

	private static List<@Nullable Object> handshake(Object id, Object protocol, Object address, Object compression) {
		return Arrays.asList(Flags.HANDSHAKE, id, protocol, address, compression);
	}

	private static WireMessage decode(int msgType, List<?> payload) {
		return MessageCodec.decode(MessageCodec.encode(msgType, SENDER, 1_700_000_000L, payload));
	}

}
