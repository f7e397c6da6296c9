package io.syncsocket.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncsocket.LinkFault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.api.Named.named;

/**
 * {@link BlobCodec}: the receive algorithm of PROTOCOL.md §1.1 (raw first, then gzip or
 * zlib, checksum after decompression) with its size bound, and sealing for §5.6.
 */
class BlobCodecTests {

	private final BlobCodec codec = new BlobCodec(Vectors.MAX_BLOB);

	@AfterEach
	void close() {
		this.codec.close();
	}

	/** The uncompressed blob of the first fixed frame (js2p handshake). */
	private static byte[] handshakeBlob() {
		return blobOfFrame(Vectors.load("fixed_frames").get("vectors").get(0).get("frame_hex").asText());
	}

	private static byte[] blobOfFrame(String frameHex) {
		byte[] frame = Vectors.hex(frameHex);
		return Arrays.copyOfRange(frame, 4, frame.length);
	}

	// ---------------------------------------------------------------- open

	@Test
	void openShouldPassARawBlobThroughUnchanged() {
		byte[] blob = handshakeBlob();
		assertThat(this.codec.open(blob)).isSameAs(blob);
		assertThat(this.codec.open(Vectors.blobOf(new byte[0]))).hasSize(32);
	}

	static Stream<Arguments> js2pCompressedFrames() {
		return Vectors.list(Vectors.load("fixed_frames").get("vectors"))
			.stream()
			.flatMap(
					(record) -> Stream.of(
							Arguments.of(
									named("zlib " + record.get("name").asText(),
											record.get("js2p_zlib_frame_hex").asText()),
									record.get("frame_hex").asText()),
							Arguments.of(
									named("gzip " + record.get("name").asText(),
											record.get("js2p_gzip_frame_hex").asText()),
									record.get("frame_hex").asText())));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("js2pCompressedFrames")
	void openShouldDecompressJs2pFrames(String compressedFrameHex, String rawFrameHex) {
		byte[] compressed = blobOfFrame(compressedFrameHex);
		assertThat(compressed[0] & 0xff).isIn(0x78, 0x1f);
		assertThat(Vectors.hex(this.codec.open(compressed))).isEqualTo(Vectors.hex(blobOfFrame(rawFrameHex)));
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void sealShouldRoundTrip(Compression compression) {
		byte[] blob = handshakeBlob();
		byte[] sealed = this.codec.seal(blob, compression);
		assertThat(sealed).isNotEqualTo(blob);
		assertThat(sealed.length).isLessThan(blob.length);
		assertThat(this.codec.open(sealed)).isEqualTo(blob);
		// and a fresh codec (the peer) opens it too
		try (BlobCodec peer = new BlobCodec(Vectors.MAX_BLOB)) {
			assertThat(peer.open(sealed)).isEqualTo(blob);
		}
	}

	@Test
	void sealShouldWriteStandardZlibAndGzip() throws IOException {
		byte[] blob = handshakeBlob();
		byte[] zlib = this.codec.seal(blob, Compression.ZLIB);
		assertThat(zlib[0] & 0xff).as("RFC 1950 CMF").isEqualTo(0x78);
		assertThat(((zlib[0] & 0xff) << 8 | (zlib[1] & 0xff)) % 31).as("RFC 1950 FCHECK").isZero();
		try (InflaterInputStream in = new InflaterInputStream(new ByteArrayInputStream(zlib))) {
			assertThat(in.readAllBytes()).isEqualTo(blob);
		}
		byte[] gzip = this.codec.seal(blob, Compression.GZIP);
		assertThat(Vectors.hex(Arrays.copyOf(gzip, 3))).as("RFC 1952 magic + deflate").isEqualTo("1f8b08");
		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
			assertThat(in.readAllBytes()).isEqualTo(blob);
		}
	}

	@Test
	void sealWithoutCompressionShouldReturnTheSameArray() {
		byte[] blob = handshakeBlob();
		assertThat(this.codec.seal(blob, null)).isSameAs(blob);
	}

	@Test
	void oneCodecShouldOpenAndSealManyBlobsInAnyOrder() {
		// the Deflater and Inflater are reused per link: state must not leak between
		// blobs
		List<byte[]> blobs = Vectors.list(Vectors.load("fixed_frames").get("vectors"))
			.stream()
			.map((record) -> blobOfFrame(record.get("frame_hex").asText()))
			.toList();
		for (int round = 0; round < 3; round++) {
			for (byte[] blob : blobs) {
				Compression compression = (round == 1) ? Compression.GZIP : Compression.ZLIB;
				byte[] sealed = this.codec.seal(blob, compression);
				assertThat(this.codec.open(sealed)).isEqualTo(blob);
				assertThat(this.codec.open(blob)).isSameAs(blob);
			}
		}
	}

	@Test
	void closeShouldBeIdempotentAndTheCodecUsableAfterwards() {
		byte[] blob = handshakeBlob();
		byte[] sealed = this.codec.seal(blob, Compression.ZLIB);
		this.codec.close();
		this.codec.close();
		// close() releases native memory; a later use lazily creates new
		// deflater/inflater
		assertThat(this.codec.open(this.codec.seal(blob, Compression.ZLIB))).isEqualTo(blob);
		assertThat(this.codec.open(sealed)).isEqualTo(blob);
	}

	// ---------------------------------------------------------------- open: failures

	@Test
	void openShouldRejectBlobsShorterThanTheChecksum() {
		Vectors.assertFault(() -> this.codec.open(new byte[0]), LinkFault.BAD_CHECKSUM);
		Vectors.assertFault(() -> this.codec.open(new byte[31]), LinkFault.BAD_CHECKSUM);
		Vectors.assertFault(() -> this.codec.open(Arrays.copyOf(handshakeBlob(), 31)), LinkFault.BAD_CHECKSUM);
		Vectors.assertFault(() -> this.codec.open(Vectors.hex("1f8b")), LinkFault.BAD_CHECKSUM);
		Vectors.assertFault(() -> this.codec.open(Vectors.hex("789c")), LinkFault.BAD_CHECKSUM);
	}

	@Test
	void openShouldRejectACorruptedChecksumLikeJs2pDoes() {
		// js2p_handshake_edge_cases.json: "frame with corrupted checksum" -> js2p closed
		// the link with "ID check failed" (PROTOCOL.md §1: a checksum mismatch is fatal).
		JsonNode edgeCase = Vectors.list(Vectors.load("js2p_handshake_edge_cases").get("cases"))
			.stream()
			.filter((c) -> c.get("name").asText().equals("frame with corrupted checksum"))
			.findFirst()
			.orElseThrow();
		assertThat(edgeCase.get("closed_by_js2p").asBoolean()).isTrue();
		assertThat(edgeCase.get("js2p_exceptions").get(0).asText()).startsWith("Error: ID check failed.");

		byte[] blob = handshakeBlob();
		blob[6] ^= (byte) 0xff; // js2p's exception shows byte 6 differing
		Vectors.assertFault(() -> this.codec.open(blob), LinkFault.BAD_CHECKSUM);
	}

	@Test
	void openShouldRejectACorruptedBody() {
		byte[] blob = handshakeBlob();
		blob[blob.length - 1] ^= 1;
		Vectors.assertFault(() -> this.codec.open(blob), LinkFault.BAD_CHECKSUM);
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void openShouldRejectCompressedContentWithABadChecksum(Compression compression) {
		byte[] blob = handshakeBlob();
		blob[0] ^= 1;
		byte[] sealed = this.codec.seal(blob, compression);
		Vectors.assertFault(() -> this.codec.open(sealed), LinkFault.BAD_CHECKSUM);
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void openShouldRejectTruncatedCompressedBlobs(Compression compression) {
		byte[] sealed = this.codec.seal(handshakeBlob(), compression);
		for (int length : new int[] { sealed.length - 1, sealed.length - 9, sealed.length / 2, 10, 3 }) {
			byte[] truncated = Arrays.copyOf(sealed, length);
			Vectors.assertFault(() -> this.codec.open(truncated), LinkFault.BAD_CHECKSUM);
		}
	}

	@Test
	void openShouldRejectTruncatedJs2pZlib() {
		byte[] zlib = blobOfFrame(
				Vectors.load("fixed_frames").get("vectors").get(0).get("js2p_zlib_frame_hex").asText());
		Vectors.assertFault(() -> this.codec.open(Arrays.copyOf(zlib, zlib.length - 20)), LinkFault.BAD_CHECKSUM);
	}

	@Test
	void openShouldRejectGarbage() {
		byte[] garbage = new byte[100];
		for (int i = 0; i < garbage.length; i++) {
			garbage[i] = (byte) (i * 37 + 11);
		}
		Vectors.assertFault(() -> this.codec.open(garbage), LinkFault.BAD_CHECKSUM);
	}

	@Test
	void openShouldRejectAZlibStreamThatNeedsADictionary() {
		Deflater deflater = new Deflater();
		try {
			deflater.setDictionary(new byte[] { 1, 2, 3 });
			deflater.setInput(handshakeBlob());
			deflater.finish();
			byte[] out = new byte[1024];
			int length = deflater.deflate(out);
			byte[] sealed = Arrays.copyOf(out, length);
			Vectors.assertFault(() -> this.codec.open(sealed), LinkFault.BAD_CHECKSUM);
		}
		finally {
			deflater.end();
		}
	}

	// ---------------------------------------------------------------- size bound

	@ParameterizedTest
	@EnumSource(Compression.class)
	void openShouldStopADecompressionBomb(Compression compression) throws IOException {
		// 16 MiB of zeros compress to a few KiB; the codec's maximum is 1 MiB
		byte[] bomb = compress(new byte[16 * 1024 * 1024], compression);
		assertThat(bomb.length).isLessThan(64 * 1024);
		try (BlobCodec small = new BlobCodec(1024 * 1024)) {
			Vectors.assertFault(() -> small.open(bomb), LinkFault.FRAME_TOO_LARGE);
		}
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void openShouldAcceptDecompressedBlobsOfExactlyTheMaximum(Compression compression) {
		byte[] blob = Vectors.blobOf(new byte[4096 - 32]);
		try (BlobCodec exact = new BlobCodec(blob.length); BlobCodec tooSmall = new BlobCodec(blob.length - 1)) {
			byte[] sealed = exact.seal(blob, compression);
			assertThat(exact.open(sealed)).isEqualTo(blob);
			Vectors.assertFault(() -> tooSmall.open(sealed), LinkFault.FRAME_TOO_LARGE);
		}
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void openShouldWorkWithTheLargestMaximum(Compression compression) {
		// MeshOptions accepts any maxFrameLength >= 1024, Integer.MAX_VALUE included
		byte[] blob = handshakeBlob();
		try (BlobCodec unlimited = new BlobCodec(Integer.MAX_VALUE)) {
			assertThat(unlimited.open(unlimited.seal(blob, compression))).isEqualTo(blob);
		}
	}

	@Test
	void constructorShouldRejectAMaximumThatCannotHoldAChecksum() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BlobCodec(32));
		assertThatIllegalArgumentException().isThrownBy(() -> new BlobCodec(0));
		new BlobCodec(33).close();
	}

	private static byte[] compress(byte[] data, Compression compression) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (var out = (compression == Compression.GZIP) ? new GZIPOutputStream(bytes)
				: new DeflaterOutputStream(bytes)) {
			out.write(data);
		}
		return bytes.toByteArray();
	}

}
