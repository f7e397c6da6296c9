package io.syncsocket.internal.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.syncsocket.internal.wire.Vectors.Family;
import io.syncsocket.internal.wire.Vectors.Frame;
import io.syncsocket.internal.wire.Vectors.Typed;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every frame in every vector file (PROTOCOL.md §11), opened and decoded by
 * {@link BlobCodec} and {@link MessageCodec} and compared with the documented message:
 * length header (PROTOCOL.md §1), compression and checksum (§1.1), header fields and
 * every packet with its exact Java type (§2.1, {@link Msgpack}), and the raw packet bytes
 * kept for relaying (§6.2).
 */
class VectorFramesTests {

	/**
	 * Frames per file when these tests were written; the vectors may grow, never shrink.
	 */
	private static final Map<String, Integer> MINIMUM_FRAMES = Map.of("fixed_frames", 48, "js2p_acceptor_session", 22,
			"js2p_compression", 38, "js2p_connector_and_peers", 5, "js2p_inbound_acceptance", 20, "js2p_pair_via_proxy",
			11, "py2p_interop", 26);

	@Test
	void discoveryShouldFindEveryFrameField() {
		List<Frame> frames = Vectors.frames();
		Map<String, Long> perFile = frames.stream().collect(Collectors.groupingBy(Frame::file, Collectors.counting()));
		int raw = 0;
		for (String file : Vectors.FILES) {
			int expected = Vectors.rawFrameFieldCount(file);
			raw += expected;
			assertThat(perFile.getOrDefault(file, 0L)).as("frames found in %s.json", file).isEqualTo(expected);
			assertThat(expected).as("frames in %s.json", file)
				.isGreaterThanOrEqualTo(MINIMUM_FRAMES.getOrDefault(file, 0));
		}
		assertThat(frames).hasSize(raw).hasSizeGreaterThanOrEqualTo(170);
	}

	@Test
	void everyFrameWithoutATreeShouldBeAnInboundCompressionProbe() {
		// Only js2p_compression.json's inbound_tests carry no message tree (they document
		// the compression that was used instead); every other frame must be compared with
		// a tree.
		List<Frame> withoutTree = Vectors.frames().stream().filter((f) -> f.expected() == null).toList();
		assertThat(withoutTree).hasSize(9).allSatisfy((f) -> {
			assertThat(f.file()).isEqualTo("js2p_compression");
			assertThat(f.path()).contains("/inbound_tests/");
			assertThat(f.compression()).isIn("none", "zlib", "gzip");
		});
	}

	@TestFactory
	Stream<DynamicTest> everyFrameShouldDecodeToItsDocumentedMessage() {
		List<Frame> frames = Vectors.frames();
		// one dynamic test per frame field in the files, so none can be skipped silently
		int present = Vectors.FILES.stream().mapToInt(Vectors::rawFrameFieldCount).sum();
		assertThat(frames).as("frames to check").hasSize(present).hasSizeGreaterThanOrEqualTo(170);
		return frames.stream().map((frame) -> DynamicTest.dynamicTest(frame.displayName(), () -> check(frame)));
	}

	@Test
	void shownFormShouldDescribeTheSameTreeAsTheTypedForm() {
		// The one-line form is used as the expected tree for frames that only have
		// "sent": prove the parser reads it exactly like the structured form wherever
		// both exist.
		int compared = 0;
		for (Frame frame : Vectors.frames()) {
			if (frame.shown() != null && frame.expected() != null) {
				assertThat(Vectors.parseShown(frame.shown())).as(frame.displayName()).isEqualTo(frame.expected());
				compared++;
			}
		}
		assertThat(compared).isGreaterThanOrEqualTo(100);
	}

	private static void check(Frame frame) {
		byte[] bytes = frame.frame();

		// §1: 4-byte big-endian length of the blob that follows
		assertThat(bytes.length).as("frame length").isGreaterThan(4);
		long length = ((bytes[0] & 0xffL) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8)
				| (bytes[3] & 0xff);
		assertThat(length).as("length header vs bytes after it").isEqualTo(bytes.length - 4);
		if (frame.lengthHeader() != null) {
			assertThat(length).as("documented length_header").isEqualTo(frame.lengthHeader().longValue());
		}
		byte[] blob = Arrays.copyOfRange(bytes, 4, bytes.length);

		// §1.1: raw first, then gzip (1f 8b) or zlib
		byte[] opened;
		try (BlobCodec codec = new BlobCodec(Vectors.MAX_BLOB)) {
			opened = codec.open(blob);
		}
		String detected;
		if (opened == blob) {
			detected = "none";
		}
		else if ((blob[0] & 0xff) == 0x1f && (blob[1] & 0xff) == 0x8b) {
			detected = "gzip";
		}
		else {
			detected = "zlib";
			assertThat(blob[0] & 0x0f).as("zlib CM = deflate").isEqualTo(8);
		}
		if (frame.compression() != null) {
			assertThat(detected).as("compression").isEqualTo(frame.compression());
		}

		// checksum = SHA-256(body), computed here independently of the codec
		byte[] body = Arrays.copyOfRange(opened, 32, opened.length);
		assertThat(Vectors.hex(Arrays.copyOf(opened, 32))).as("checksum").isEqualTo(Vectors.hex(Vectors.sha256(body)));
		if (frame.checksumHex() != null) {
			assertThat(Vectors.hex(Arrays.copyOf(opened, 32))).as("documented checksum_hex")
				.isEqualTo(frame.checksumHex());
		}
		if (frame.msgpackHex() != null) {
			assertThat(Vectors.hex(body)).as("documented msgpack_hex").isEqualTo(frame.msgpackHex());
		}

		WireMessage message = MessageCodec.decode(opened);
		assertThat(message.blob()).as("blob kept").isEqualTo(opened);
		assertThat(message.bodyLength()).isEqualTo(body.length);

		// Packet boundaries found by an independent walker: rawPacket(i) must be exactly
		// those bytes.
		assertThat(Vectors.formatAt(body, 0)).as("body format").isIn("fixarray", "array16", "array32");
		int elements = Vectors.containerSize(body, 0);
		assertThat(message.packetCount()).as("packets").isEqualTo(elements - 3);
		int at = Vectors.containerBody(body, 0);
		for (int i = 0; i < 3; i++) {
			at = Vectors.end(body, at);
		}
		for (int i = 0; i < message.packetCount(); i++) {
			int next = Vectors.end(body, at);
			assertThat(Vectors.hex(message.rawPacket(i))).as("rawPacket(%d)", i)
				.isEqualTo(Vectors.hex(Arrays.copyOfRange(body, at, next)));
			Vectors.assertSameValue(Msgpack.decode(message.rawPacket(i)), message.packet(i),
					"rawPacket(" + i + ") decoded");
			at = next;
		}
		assertThat(at).as("walker consumed the whole body").isEqualTo(body.length);

		Typed expected = frame.expected();
		if (expected == null) {
			// Undocumented content (compression probes): the header must still be sane.
			assertThat(message.msgType()).isBetween(0, 2);
			assertThat(message.sender()).matches("[1-9A-HJ-NP-Za-km-z]{40,70}");
			assertThat(message.time()).isPositive();
			return;
		}

		assertThat(Vectors.assertWireFormats(body, 0, expected, "body")).as("typed tree spans the body")
			.isEqualTo(body.length);
		List<Typed> tree = expected.elements();
		assertThat(tree).as("message array").hasSizeGreaterThanOrEqualTo(3);

		assertThat(tree.get(0).family()).isEqualTo(Family.INT);
		assertThat((long) message.msgType()).as("msg_type")
			.isEqualTo(((java.math.BigInteger) tree.get(0).value()).longValue());

		Typed sender = tree.get(1);
		String senderText = switch (sender.family()) {
			case STR -> (String) sender.value();
			case BIN -> new String(Vectors.hex((String) sender.value()), StandardCharsets.UTF_8);
			default -> throw new AssertionError("sender in the vector is " + sender);
		};
		assertThat(message.sender()).as("sender (%s)", sender.format()).isEqualTo(senderText);

		Typed time = tree.get(2);
		long expectedTime = switch (time.family()) {
			case INT -> ((java.math.BigInteger) time.value()).longValueExact();
			case FLOAT32, FLOAT64 -> (long) (double) (Double) time.value();
			default -> throw new AssertionError("time in the vector is " + time);
		};
		assertThat(message.time()).as("time (%s)", time.format()).isEqualTo(expectedTime);

		assertThat(message.payload()).as("payload").hasSize(tree.size() - 3);
		for (int i = 3; i < tree.size(); i++) {
			Vectors.assertDecoded(message.packet(i - 3), tree.get(i), "p" + (i - 3));
		}
		if (tree.size() > 3 && tree.get(3).family() == Family.INT) {
			assertThat((long) message.subFlag()).as("subFlag")
				.isEqualTo(((java.math.BigInteger) tree.get(3).value()).longValue());
		}
	}

}
