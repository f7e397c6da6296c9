package io.syncsocket.internal.wire;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

/**
 * {@link Compression}: method ids (PROTOCOL.md §4.3) and the per-link choice of §5.6,
 * checked against what js2p did in {@code js2p_compression.json}.
 */
class CompressionTests {

	@Test
	void idsShouldMatchTheSpec() {
		assertThat(Compression.ZLIB.id()).isEqualTo(0x13);
		assertThat(Compression.GZIP.id()).isEqualTo(0x11);
		assertThat(Compression.forId(0x13)).isEqualTo(Compression.ZLIB);
		assertThat(Compression.forId(0x11)).isEqualTo(Compression.GZIP);
		assertThat(Compression.forId(0x10)).isNull();
		assertThat(Compression.forId(0x20)).isNull();
		assertThat(Compression.forId(0x13 + (1L << 32))).isNull();
	}

	@Test
	void advertisedShouldBeZlibThenGzip() {
		// PROTOCOL.md §4.3: Java SHOULD advertise [0x13, 0x11], like js2p
		assertThat(Compression.ADVERTISED).containsExactly(0x13, 0x11);
		assertThat(Vectors.list(Vectors.load("js2p_compression").get("js2p_node").get("advertised"))
			.stream()
			.map(JsonNode::asInt)).containsExactlyElementsOf(Compression.ADVERTISED);
	}

	static Stream<Arguments> choices() {
		return Stream.of(choice("js2p default [0x13, 0x11]", List.of(0x13, 0x11), Compression.ZLIB),
				choice("gzip only [0x11]", List.of(0x11), Compression.GZIP),
				choice("zlib only [0x13]", List.of(0x13), Compression.ZLIB), choice("nothing []", List.of(), null),
				choice("snappy only [0x20]", List.of(0x20), null),
				choice("peer order does not matter [0x11, 0x13]", List.of(0x11, 0x13), Compression.ZLIB),
				choice("py2p [0x13, 0x11, 0x10, 0x12]", List.of(0x13, 0x11, 0x10, 0x12), Compression.ZLIB),
				choice("with snappy first [0x20, 0x13, 0x11]", List.of(0x20, 0x13, 0x11), Compression.ZLIB),
				choice("bz2 and lzma only [0x10, 0x12]", List.of(0x10, 0x12), null),
				choice("reserved ids [0x14, 0x1f]", List.of(0x14, 0x1f), null));
	}

	private static Arguments choice(String name, List<Integer> peer, @Nullable Compression expected) {
		return Arguments.of(named(name, peer), expected);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("choices")
	void chooseShouldPickTheFirstOwnMethodThePeerListed(List<Integer> peer, @Nullable Compression expected) {
		assertThat(Compression.choose(Compression.ADVERTISED, peer)).isEqualTo(expected);
	}

	@Test
	void chooseShouldFollowOwnPreferenceOrder() {
		assertThat(Compression.choose(List.of(0x11, 0x13), List.of(0x13, 0x11))).isEqualTo(Compression.GZIP);
		assertThat(Compression.choose(List.of(), List.of(0x13, 0x11))).isNull();
	}

	@Test
	void chooseShouldNeverPickAMethodItCannotDo() {
		// a method both sides list but this node does not implement is skipped, not
		// chosen
		assertThat(Compression.choose(List.of(0x20, 0x11), List.of(0x20, 0x11))).isEqualTo(Compression.GZIP);
		assertThat(Compression.choose(List.of(0x20), List.of(0x20))).isNull();
	}

	// ----------------------------------------------------------------
	// js2p_compression.json

	static Stream<Arguments> cases() {
		return Vectors.list(Vectors.load("js2p_compression").get("cases"))
			.stream()
			.map((c) -> Arguments.of(named("peer advertised " + c.get("peer_advertised"), c)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void js2pShouldHaveCompressedWithTheChosenMethod(JsonNode c) {
		// §5.6: js2p applied the same rule to its non-handshake frames; handshakes go
		// uncompressed.
		List<Integer> peer = ints(c.get("peer_advertised"));
		Compression chosen = Compression
			.choose(ints(Vectors.load("js2p_compression").get("js2p_node").get("advertised")), peer);
		assertThat(chosen).isNotNull();
		List<JsonNode> frames = new ArrayList<>(Vectors.list(c.get("frames_from_js2p")));
		frames.addAll(Vectors.list(c.get("broadcast_after_set")));
		assertThat(frames).hasSizeGreaterThanOrEqualTo(5);
		int compressed = 0;
		try (BlobCodec codec = new BlobCodec(Vectors.MAX_BLOB)) {
			for (JsonNode frame : frames) {
				byte[] blob = blob(frame.get("frame_hex").asText());
				boolean handshake = Vectors.typed(frame.get("typed"))
					.elements()
					.get(3)
					.value()
					.equals(java.math.BigInteger.valueOf(Flags.HANDSHAKE));
				String used = frame.get("compression").isNull() ? null : frame.get("compression").asText();
				if (handshake) {
					assertThat(used).as("handshake compression").isNull();
					assertThat(codec.open(blob)).isSameAs(blob);
				}
				else {
					assertThat(used).as("compression of a non-handshake frame").isEqualTo(chosen.name().toLowerCase());
					assertThat(codec.open(blob)).isNotSameAs(blob);
					compressed++;
				}
			}
		}
		assertThat(compressed).isPositive();
	}

	static Stream<Arguments> inboundProbes() {
		List<Arguments> probes = new ArrayList<>();
		for (JsonNode c : Vectors.load("js2p_compression").get("cases")) {
			for (JsonNode probe : c.get("inbound_tests")) {
				probes.add(Arguments
					.of(named("peer advertised " + c.get("peer_advertised") + ", sent " + probe.get("sent").asText(),
							probe), ints(c.get("peer_advertised"))));
			}
		}
		return probes.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("inboundProbes")
	void inboundProbeShouldHaveTheDocumentedOutcome(JsonNode probe, List<Integer> peerAdvertised) {
		String sent = probe.get("sent").asText();
		// §5.6: js2p accepts uncompressed frames and frames in a method the peer
		// advertised; anything else fails js2p's checksum test and closes the link.
		boolean advertised = sent.equals("uncompressed")
				|| peerAdvertised.contains(Compression.valueOf(sent.toUpperCase()).id());
		assertThat(probe.get("accepted").asBoolean()).as("accepted").isEqualTo(advertised);
		assertThat(probe.get("connection_closed_by_js2p").asBoolean()).as("closed").isEqualTo(!advertised);
		if (advertised) {
			assertThat(probe.get("new_exceptions")).isEmpty();
		}
		else {
			assertThat(probe.get("new_exceptions").get(0).asText()).startsWith("Error: ID check failed.");
		}
		// The frames themselves are sound: our raw-first receiver (§1.1) opens every one
		// of them, whatever was negotiated, so a Java node is more tolerant than js2p
		// here.
		byte[] blob = blob(probe.get("frame_hex").asText());
		try (BlobCodec codec = new BlobCodec(Vectors.MAX_BLOB)) {
			byte[] opened = codec.open(blob);
			assertThat(opened == blob).as("uncompressed").isEqualTo(sent.equals("uncompressed"));
			assertThat(MessageCodec.decode(opened).subFlag()).isEqualTo(Flags.STORE);
		}
	}

	private static byte[] blob(String frameHex) {
		byte[] frame = Vectors.hex(frameHex);
		return Arrays.copyOfRange(frame, 4, frame.length);
	}

	private static List<Integer> ints(JsonNode array) {
		return Vectors.list(array).stream().map(JsonNode::asInt).toList();
	}

}
