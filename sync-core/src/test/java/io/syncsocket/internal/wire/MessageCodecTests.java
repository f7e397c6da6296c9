package io.syncsocket.internal.wire;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.LinkFault;
import io.syncsocket.internal.wire.Vectors.Typed;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Named.named;

/**
 * {@link MessageCodec} and {@link WireMessage}: byte-for-byte encoding of js2p's fixed
 * frames (PROTOCOL.md §1, §2.2, §11) and the message-level validation of §1.1 step 5 and
 * §2.1.
 */
class MessageCodecTests {

	private static final String SENDER = "74GaqAyWe16ccXu3wv8E8yFk5ugrpLqBSEyNVtJMVSqyrgJPvJeRCb2eRhkqW2Pyty";

	static Stream<Arguments> fixedFrames() {
		return Vectors.list(Vectors.load("fixed_frames").get("vectors"))
			.stream()
			.map((record) -> Arguments.of(named(record.get("name").asText(), record)));
	}

	// ---------------------------------------------------------------- encoding (golden
	// bytes)

	@Test
	void fixedFramesShouldUseTheDocumentedInputs() {
		JsonNode file = Vectors.load("fixed_frames");
		assertThat(file.get("sender_id_A").asText()).isEqualTo(SENDER);
		assertThat(file.get("time").asLong()).isEqualTo(1764150000L);
		assertThat(file.get("protocol_id_sync1").asText()).isEqualTo(Ids.protocolId("sync1", "Plaintext"));
		assertThat(file.get("vectors")).hasSize(16);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixedFrames")
	void encodeShouldMatchJs2pBytes(JsonNode record) {
		// PROTOCOL.md §2.2: every fixed frame is canonical; a vector that is not would
		// need its own documented-difference assertion here, so fail loudly instead of
		// skipping it.
		assertThat(record.get("canonical_encoder_identical").asBoolean()).as("canonical_encoder_identical").isTrue();
		Typed decoded = Vectors.typed(record.get("decoded"));
		List<Typed> tree = decoded.elements();
		JsonNode inputs = record.get("inputs");
		int msgType = inputs.get("msg_type").asInt();
		String sender = inputs.get("sender").asText();
		long time = inputs.get("time").asLong();
		assertThat(Vectors.toJava(tree.get(0))).as("decoded msg_type").isEqualTo((long) msgType);
		assertThat(Vectors.toJava(tree.get(1))).as("decoded sender").isEqualTo(sender);
		assertThat(Vectors.toJava(tree.get(2))).as("decoded time").isEqualTo(time);
		List<@Nullable Object> payload = new ArrayList<>();
		for (Typed packet : tree.subList(3, tree.size())) {
			payload.add(Vectors.toJava(packet));
		}

		byte[] blob = MessageCodec.encode(msgType, sender, time, payload);

		byte[] frame = Vectors.frameOf(blob);
		assertThat(Vectors.hex(frame)).isEqualTo(record.get("frame_hex").asText());
		assertThat(blob.length).as("length_header").isEqualTo(record.get("length_header").asInt());
		assertThat(Vectors.hex(Arrays.copyOf(blob, 32))).as("checksum_hex")
			.isEqualTo(record.get("checksum_hex").asText());
		assertThat(Vectors.hex(Arrays.copyOfRange(blob, 32, blob.length))).as("msgpack_hex")
			.isEqualTo(record.get("msgpack_hex").asText());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("fixedFrames")
	void js2pCompressedFramesShouldOpenToOurEncoding(JsonNode record) {
		byte[] ours = Vectors.hex(record.get("frame_hex").asText());
		ours = Arrays.copyOfRange(ours, 4, ours.length);
		try (BlobCodec codec = new BlobCodec(Vectors.MAX_BLOB)) {
			for (String field : List.of("js2p_zlib_frame_hex", "js2p_gzip_frame_hex")) {
				byte[] frame = Vectors.hex(record.get(field).asText());
				byte[] opened = codec.open(Arrays.copyOfRange(frame, 4, frame.length));
				assertThat(Vectors.hex(opened)).as(field).isEqualTo(Vectors.hex(ours));
			}
		}
	}

	@Test
	void encodeShouldWriteTheHeaderMinimally() {
		byte[] blob = MessageCodec.encode(2, "id", 1764150000L, List.of(7L));
		// fixarray(4), positive fixint 2, fixstr "id", uint32 time, fixint 7
		assertThat(Vectors.hex(Arrays.copyOfRange(blob, 32, blob.length))).isEqualTo("9402a26964ce6926caf007");
		assertThat(Vectors.hex(Arrays.copyOf(blob, 32)))
			.isEqualTo(Vectors.hex(Vectors.sha256(Arrays.copyOfRange(blob, 32, blob.length))));
	}

	@Test
	void encodeShouldWriteTimesBeyondUint32AsUint64() {
		byte[] blob = MessageCodec.encode(0, "a", 1L << 32, List.of());
		assertThat(Vectors.hex(Arrays.copyOfRange(blob, 32, blob.length))).isEqualTo("9300a161cf0000000100000000");
	}

	@Test
	void encodeShouldWriteRawPacketsVerbatim() {
		// A relayed or stored value keeps its original, possibly non-minimal, encoding.
		byte[] blob = MessageCodec.encode(0, "a", 0,
				List.of(11L, new RawMsgpack(Vectors.hex("c500ff" + "00".repeat(255)))));
		WireMessage message = MessageCodec.decode(blob);
		assertThat(Vectors.hex(message.rawPacket(1))).isEqualTo("c500ff" + "00".repeat(255));
		assertThat((byte[]) message.packet(1)).hasSize(255);
	}

	@Test
	void encodedMessageShouldDecodeToTheSameValues() {
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("x", 1L);
		map.put("y", List.of("two", new byte[] { 3 }));
		List<@Nullable Object> payload = new ArrayList<>(
				Arrays.asList(17L, new byte[] { 'd' }, map, null, true, -1.5, 2.5f));
		byte[] blob = MessageCodec.encode(0, SENDER, 1764150000L, payload);
		WireMessage message = MessageCodec.decode(blob);
		assertThat(message.msgType()).isZero();
		assertThat(message.sender()).isEqualTo(SENDER);
		assertThat(message.time()).isEqualTo(1764150000L);
		assertThat(message.subFlag()).isEqualTo(Flags.DELTA);
		Vectors.assertSameValue(message.payload(), payload, "payload");
	}

	// ---------------------------------------------------------------- decoding: accepted
	// forms

	@Test
	void decodeShouldAcceptFloat64TimeAndTruncateIt() {
		// js2p writes float64 for times after 2038 (PROTOCOL.md §2.2)
		WireMessage message = MessageCodec.decode(blob("9302a161" + "cb" + hexDouble(4102444800.75)));
		assertThat(message.time()).isEqualTo(4102444800L);
		assertThat(MessageCodec.decode(blob("9302a161" + "cb" + hexDouble(-1.9))).time()).isEqualTo(-1L);
	}

	@Test
	void decodeShouldAcceptFloat32Time() {
		assertThat(MessageCodec.decode(blob("9302a161ca3fc00000")).time()).isEqualTo(1L);
	}

	@Test
	void decodeShouldAcceptAnyIntegerFormatForHeaderFields() {
		// PROTOCOL.md §2.1: Java MUST accept any integer format for msg_type and time
		WireMessage message = MessageCodec.decode(blob("93" + "cf0000000000000002" + "a161" + "d3000000006926caf0"));
		assertThat(message.msgType()).isEqualTo(2);
		assertThat(message.time()).isEqualTo(1764150000L);
		assertThat(MessageCodec.decode(blob("93d000a161cc05")).msgType()).isZero();
	}

	@Test
	void decodeShouldTurnABinSenderIntoUtf8Text() {
		// py2p sends ids as bin (PROTOCOL.md §2.1)
		WireMessage message = MessageCodec.decode(blob("9402c403616263" + "05" + "05"));
		assertThat(message.sender()).isEqualTo("abc");
		assertThat(message.payload()).containsExactly(5L);
	}

	@Test
	void decodeShouldAcceptAMessageWithoutPackets() {
		WireMessage message = MessageCodec.decode(blob("9301a16107"));
		assertThat(message.packetCount()).isZero();
		assertThat(message.payload()).isEmpty();
		assertThat(message.subFlag()).isEqualTo(-1);
	}

	@Test
	void timeAboveTheLongRangeShouldSaturate() {
		assertThat(MessageCodec.decode(blob("9302a161cfffffffffffffffff")).time()).isEqualTo(Long.MAX_VALUE);
	}

	// ---------------------------------------------------------------- decoding: rejected
	// forms

	static Stream<Arguments> malformedBodies() {
		return Stream.of(Arguments.of(named("empty body", "")), Arguments.of(named("not msgpack (0xc1)", "c1")),
				Arguments.of(named("truncated array", "9302a161")), Arguments.of(named("truncated str", "9302a56162")),
				Arguments.of(named("a map, not an array", "81a16101")),
				Arguments.of(named("a str, not an array", "a3616263")), Arguments.of(named("nil, not an array", "c0")),
				Arguments.of(named("empty array", "90")), Arguments.of(named("array of 2", "9202a161")),
				Arguments.of(named("array32 announcing 2^32-1 elements", "ddffffffff02a16105")),
				Arguments.of(named("array32 announcing 2^31-1 elements", "dd7fffffff02a16105")),
				Arguments.of(named("msg_type str", "93a161a16105")), Arguments.of(named("msg_type nil", "93c0a16105")),
				Arguments.of(named("msg_type float", "93cb4000000000000000a16105")),
				Arguments.of(named("msg_type negative", "93ffa16105")),
				Arguments.of(named("msg_type 256", "93cd0100a16105")),
				Arguments.of(named("msg_type above the long range", "93cfffffffffffffffffa16105")),
				Arguments.of(named("sender int", "93020105")), Arguments.of(named("sender nil", "9302c005")),
				Arguments.of(named("sender array", "93029105" + "05")),
				Arguments.of(named("sender map", "930280" + "05")), Arguments.of(named("sender bool", "9302c305")),
				Arguments.of(named("time str", "9302a161a161")), Arguments.of(named("time bin", "9302a161c40101")),
				Arguments.of(named("time nil", "9302a161c0")), Arguments.of(named("time true", "9302a161c3")),
				Arguments.of(named("time array", "9302a16190")),
				Arguments.of(named("time NaN", "9302a161cb7ff8000000000000")),
				Arguments.of(named("time +Infinity", "9302a161cb7ff0000000000000")),
				Arguments.of(named("trailing bytes after the array", "9302a16105c0")),
				Arguments.of(named("payload not msgpack", "9402a16105c1")),
				Arguments.of(named("payload truncated", "9402a16105c40501")),
				Arguments.of(named("payload element count lies", "9402a16105dfffffffff")));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("malformedBodies")
	void decodeShouldRejectMalformedBodies(String bodyHex) {
		Vectors.assertFault(() -> MessageCodec.decode(blob(bodyHex)), LinkFault.MALFORMED_MESSAGE);
	}

	@Test
	void decodeShouldRejectABlobWithoutBody() {
		Vectors.assertFault(() -> MessageCodec.decode(new byte[32]), LinkFault.MALFORMED_MESSAGE);
		Vectors.assertFault(() -> MessageCodec.decode(new byte[5]), LinkFault.MALFORMED_MESSAGE);
	}

	@Test
	void decodeShouldRejectPayloadNestedTooDeep() {
		String nested = "91".repeat(Msgpack.MAX_DEPTH + 1) + "c0";
		Vectors.assertFault(() -> MessageCodec.decode(blob("9402a16105" + nested)), LinkFault.MALFORMED_MESSAGE);
	}

	// ---------------------------------------------------------------- WireMessage

	@Test
	void rawPacketShouldReturnTheOriginalBytesAsACopy() {
		// a non-minimal uint32 and a str16 survive as sent
		byte[] blob = blob("9502a16105" + "ce00000007" + "da0001" + "78");
		WireMessage message = MessageCodec.decode(blob);
		assertThat(message.packet(0)).isEqualTo(7L);
		assertThat(message.packet(1)).isEqualTo("x");
		assertThat(Vectors.hex(message.rawPacket(0))).isEqualTo("ce00000007");
		assertThat(Vectors.hex(message.rawPacket(1))).isEqualTo("da000178");
		message.rawPacket(0)[0] = 0;
		assertThat(Vectors.hex(message.rawPacket(0))).isEqualTo("ce00000007");
		assertThat(message.blob()).isSameAs(blob);
		assertThat(message.bodyLength()).isEqualTo(blob.length - 32);
	}

	@Test
	void subFlagShouldBeMinusOneForNonIntegerP0() {
		assertThat(MessageCodec.decode(blob("9402a16105a161")).subFlag()).isEqualTo(-1);
		assertThat(MessageCodec.decode(blob("9402a16105ff")).subFlag()).isEqualTo(-1);
		assertThat(MessageCodec.decode(blob("9402a16105ce80000000")).subFlag()).isEqualTo(-1);
		assertThat(MessageCodec.decode(blob("9402a1610530")).subFlag()).isEqualTo(0x30);
	}

	@Test
	@SuppressWarnings("unchecked")
	void payloadShouldBeUnmodifiable() {
		WireMessage message = MessageCodec.decode(blob("9402a1610591a161"));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> message.payload().add(1L));
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> ((List<Object>) message.packet(0)).add(1L));
	}

	// ---------------------------------------------------------------- helpers for other
	// layers

	@Test
	void timeValueShouldFollowTheTimeRules() {
		assertThat(MessageCodec.timeValue(5L)).isEqualTo(5L);
		assertThat(MessageCodec.timeValue(5.9)).isEqualTo(5L);
		assertThat(MessageCodec.timeValue(-5.9f)).isEqualTo(-5L);
		assertThat(MessageCodec.timeValue(BigInteger.ONE.shiftLeft(63))).isEqualTo(Long.MAX_VALUE);
		assertThat(MessageCodec.timeValue(Double.NEGATIVE_INFINITY)).isNull();
		assertThat(MessageCodec.timeValue(Float.NaN)).isNull();
		assertThat(MessageCodec.timeValue("5")).isNull();
		assertThat(MessageCodec.timeValue(null)).isNull();
	}

	@Test
	void nodeIdTextShouldAcceptStrAndBinOnly() {
		assertThat(MessageCodec.nodeIdText("abc")).isEqualTo("abc");
		assertThat(MessageCodec.nodeIdText(new byte[] { 'a', 'b' })).isEqualTo("ab");
		assertThat(MessageCodec.nodeIdText(1L)).isNull();
		assertThat(MessageCodec.nodeIdText(null)).isNull();
	}

	// ----------------------------------------------------------------

	private static byte[] blob(String bodyHex) {
		return Vectors.blobOf(Vectors.hex(bodyHex));
	}

	private static String hexDouble(double value) {
		return String.format("%016x", Double.doubleToRawLongBits(value));
	}

}
