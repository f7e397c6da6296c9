package io.syncsocket.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncsocket.LinkFault;
import io.syncsocket.fuzz.MsgpackGen.Packed;
import io.syncsocket.internal.wire.BlobCodec;
import io.syncsocket.internal.wire.Compression;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.WireFormatException;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * Frames for the fuzz suite (PROTOCOL.md §1–2): building them, the captured vector
 * frames, mutating byte streams, splitting them into reads, and the "shadow" decode that
 * says what the link pipeline must make of a stream.
 */
final class Frames {

	/**
	 * Every vector file that may hold frames (the same list {@code Vectors.FILES} keeps).
	 */
	private static final List<String> VECTOR_FILES = List.of("fixed_frames", "ids", "js2p_acceptor_session",
			"js2p_compression", "js2p_connector_and_peers", "js2p_handshake_edge_cases", "js2p_inbound_acceptance",
			"js2p_lease_matrix", "js2p_pair_via_proxy", "msgpack_types", "py2p_interop");

	private static final HexFormat HEX = HexFormat.of();

	private static volatile @Nullable List<byte[]> vectorFrames;

	private Frames() {
	}

	// ---------------------------------------------------------------- building

	static byte[] header(long length) {
		return ByteBuffer.allocate(4).putInt((int) length).array();
	}

	/** A frame: the 4-byte big-endian length of the blob, then the blob. */
	static byte[] frame(byte[] blob) {
		return concat(header(blob.length), blob);
	}

	/** {@code SHA-256(body) || body}. */
	static byte[] blob(byte[] body) {
		return concat(sha256(body), body);
	}

	/**
	 * An array body {@code [e0, e1, ...]} with a random (possibly non-minimal) array
	 * header.
	 */
	static byte[] arrayBody(List<Packed> elements, SplittableRandom random) {
		MsgpackGen.Out out = new MsgpackGen.Out();
		int n = elements.size();
		int style = random.nextInt(10);
		if (n < 16 && style < 8) {
			out.b(0x90 | n);
		}
		else if (style < 9) {
			out.b(0xdc);
			out.be(n, 2);
		}
		else {
			out.b(0xdd);
			out.be(n, 4);
		}
		for (Packed element : elements) {
			out.write(element.bytes());
		}
		return out.toByteArray();
	}

	static byte[] sha256(byte[] data) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(data);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] all = new byte[length];
		int at = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, at, part.length);
			at += part.length;
		}
		return all;
	}

	static String hex(byte[] bytes) {
		return HEX.formatHex(bytes);
	}

	/** At most {@code max} bytes as hex, for failure messages. */
	static String hexPrefix(byte[] bytes, int max) {
		return (bytes.length <= max) ? hex(bytes) : hex(Arrays.copyOf(bytes, max)) + "... (" + bytes.length + " bytes)";
	}

	// ---------------------------------------------------------------- vectors

	/**
	 * Every complete frame captured in the vectors: each field whose name ends in
	 * {@code frame_hex}, in every file (the rule {@code Vectors.frames()} uses).
	 */
	static List<byte[]> vectorFrames() {
		List<byte[]> frames = vectorFrames;
		if (frames == null) {
			ObjectMapper mapper = new ObjectMapper();
			List<byte[]> collected = new ArrayList<>();
			for (String file : VECTOR_FILES) {
				try (InputStream in = Frames.class.getResourceAsStream("/vectors/" + file + ".json")) {
					if (in == null) {
						throw new IllegalStateException("missing test resource /vectors/" + file + ".json");
					}
					collect(mapper.readTree(in), collected);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
			frames = List.copyOf(collected);
			vectorFrames = frames;
		}
		return frames;
	}

	private static void collect(JsonNode node, List<byte[]> out) {
		if (node.isObject()) {
			for (Map.Entry<String, JsonNode> field : node.properties()) {
				if (field.getKey().endsWith("frame_hex") && field.getValue().isTextual()) {
					out.add(HEX.parseHex(field.getValue().asText()));
				}
				else {
					collect(field.getValue(), out);
				}
			}
		}
		else if (node.isArray()) {
			node.forEach((element) -> collect(element, out));
		}
	}

	// ---------------------------------------------------------------- shadow decode

	/**
	 * What the link pipeline makes of a byte stream, computed without Netty, in the order
	 * {@code FrameDecoder} works (PROTOCOL.md §1.1): frame by frame until the stream
	 * ends, a length header exceeds the maximum, or a blob fails to open or parse.
	 *
	 * @param messages the messages decoded before the end or the first fault, in order
	 * @param fault the fault that ends the stream, or null
	 * @param partial bytes left over as an incomplete frame (0 if the stream ends on a
	 * frame boundary or faulted)
	 */
	record Shadow(List<WireMessage> messages, @Nullable LinkFault fault, int partial) {

		/** The stream leaves a partial frame that only a stall timeout ends. */
		boolean stalls() {
			return this.fault == null && this.partial > 0;
		}

		/**
		 * The bytes that would complete the pending partial frame (zeros; they make a
		 * blob that fails its checksum).
		 */
		int missingBytes(byte[] stream) {
			if (!stalls()) {
				return 0;
			}
			int start = stream.length - this.partial;
			if (this.partial < 4) {
				return 4 - this.partial;
			}
			long length = ByteBuffer.wrap(stream, start, 4).getInt() & 0xFFFFFFFFL;
			return (int) (4 + length - this.partial);
		}

		/**
		 * One line per decoded message: main flag, sender, time and the packets
		 * (abbreviated).
		 */
		String listing() {
			StringBuilder out = new StringBuilder();
			for (WireMessage message : this.messages) {
				out.append(System.lineSeparator())
					.append("    [")
					.append(message.msgType())
					.append(", ")
					.append(abbreviate(message.sender(), 24))
					.append(", ")
					.append(message.time());
				for (Object packet : message.payload()) {
					out.append(", ").append(abbreviate(show(packet), 80));
				}
				out.append("]");
			}
			return out.toString();
		}

		String describe() {
			return this.messages.size() + " messages, " + ((this.fault != null) ? "fault " + this.fault
					: (this.partial > 0) ? "partial frame of " + this.partial + " bytes" : "clean end");
		}

	}

	static Shadow shadow(byte[] stream, int maxFrameLength) {
		List<WireMessage> messages = new ArrayList<>();
		try (BlobCodec blobs = new BlobCodec(maxFrameLength)) {
			int at = 0;
			while (true) {
				int left = stream.length - at;
				if (left < 4) {
					return new Shadow(messages, null, left);
				}
				long length = ByteBuffer.wrap(stream, at, 4).getInt() & 0xFFFFFFFFL;
				if (length > maxFrameLength) {
					return new Shadow(messages, LinkFault.FRAME_TOO_LARGE, 0);
				}
				if (left < 4 + length) {
					return new Shadow(messages, null, left);
				}
				byte[] blob = Arrays.copyOfRange(stream, at + 4, at + 4 + (int) length);
				at += 4 + (int) length;
				try {
					messages.add(MessageCodec.decode(blobs.open(blob)));
				}
				catch (WireFormatException ex) {
					return new Shadow(messages, ex.fault(), 0);
				}
			}
		}
	}

	private static String abbreviate(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max) + "…";
	}

	private static String show(@Nullable Object value) {
		if (value instanceof byte[] bytes) {
			return "bin:" + new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof List<?> list) {
			List<String> parts = new ArrayList<>();
			list.forEach((element) -> parts.add(show(element)));
			return parts.toString();
		}
		return String.valueOf(value);
	}

	/**
	 * The start offsets of the complete or partial frames of a stream, walking length
	 * headers.
	 */
	static List<Integer> frameStarts(byte[] stream) {
		List<Integer> starts = new ArrayList<>();
		int at = 0;
		while (at + 4 <= stream.length) {
			starts.add(at);
			long length = ByteBuffer.wrap(stream, at, 4).getInt() & 0xFFFFFFFFL;
			if (length > stream.length) {
				break;
			}
			at += 4 + (int) length;
		}
		return starts;
	}

	// ---------------------------------------------------------------- mutation

	/** The mutation operators; names are counted in the report. */
	enum Mutation {

		FLIP_BITS, INSERT_BYTES, DELETE_BYTES, OVERWRITE_BYTES, LENGTH_HEADER, TRUNCATE, DUPLICATE, CONCATENATE,
		BODY_WITH_FIXED_CHECKSUM, COMPRESS, CORRUPT_COMPRESSED, SWAP_FRAMES, PREPEND_GARBAGE

	}

	/**
	 * Applies one to three random mutations to a stream of frames; {@code pool} supplies
	 * other frames for concatenation.
	 * @param applied receives the names of the mutations applied
	 */
	static byte[] mutate(byte[] stream, SplittableRandom random, List<byte[]> pool, int maxFrameLength,
			List<String> applied) {
		int rounds = 1 + ((random.nextInt(3) == 0) ? random.nextInt(3) : 0);
		byte[] out = stream;
		for (int i = 0; i < rounds; i++) {
			Mutation mutation = Mutation.values()[random.nextInt(Mutation.values().length)];
			applied.add(mutation.name());
			out = mutateOnce(out, mutation, random, pool, maxFrameLength);
		}
		return out;
	}

	private static byte[] mutateOnce(byte[] in, Mutation mutation, SplittableRandom random, List<byte[]> pool,
			int maxFrameLength) {
		switch (mutation) {
			case FLIP_BITS -> {
				if (in.length == 0) {
					return in;
				}
				byte[] out = in.clone();
				int flips = 1 + random.nextInt(8);
				for (int i = 0; i < flips; i++) {
					int at = random.nextInt(out.length);
					out[at] ^= (byte) (1 << random.nextInt(8));
				}
				return out;
			}
			case INSERT_BYTES -> {
				int at = random.nextInt(in.length + 1);
				byte[] extra = new byte[1 + random.nextInt(16)];
				random.nextBytes(extra);
				return concat(Arrays.copyOfRange(in, 0, at), extra, Arrays.copyOfRange(in, at, in.length));
			}
			case DELETE_BYTES -> {
				if (in.length == 0) {
					return in;
				}
				int at = random.nextInt(in.length);
				int n = Math.min(in.length - at, 1 + random.nextInt(16));
				return concat(Arrays.copyOfRange(in, 0, at), Arrays.copyOfRange(in, at + n, in.length));
			}
			case OVERWRITE_BYTES -> {
				if (in.length == 0) {
					return in;
				}
				byte[] out = in.clone();
				int at = random.nextInt(out.length);
				int n = Math.min(out.length - at, 1 + random.nextInt(8));
				byte[] interesting = { 0x00, (byte) 0xff, (byte) 0xc1, (byte) 0xdd, (byte) 0xdf, (byte) 0xdb,
						(byte) 0xc6, (byte) 0x7f, (byte) 0x80, (byte) 0xcf, (byte) 0xd3, (byte) 0xc9 };
				for (int i = 0; i < n; i++) {
					out[at + i] = random.nextBoolean() ? interesting[random.nextInt(interesting.length)]
							: (byte) random.nextInt(256);
				}
				return out;
			}
			case LENGTH_HEADER -> {
				List<Integer> starts = frameStarts(in);
				if (starts.isEmpty()) {
					return in;
				}
				int at = starts.get(random.nextInt(starts.size()));
				long old = ByteBuffer.wrap(in, at, 4).getInt() & 0xFFFFFFFFL;
				long length = switch (random.nextInt(9)) {
					case 0 -> 0;
					case 1 -> random.nextInt(32);
					case 2 -> Math.max(0, old + random.nextInt(-8, 9));
					case 3 -> maxFrameLength;
					case 4 -> maxFrameLength + 1L;
					case 5 -> 0xFFFFFFFFL;
					case 6 -> 0x80000000L;
					case 7 -> old * 2;
					default -> random.nextLong(0x1_0000_0000L);
				};
				byte[] out = in.clone();
				ByteBuffer.wrap(out, at, 4).putInt((int) length);
				return out;
			}
			case TRUNCATE -> {
				return Arrays.copyOf(in, random.nextInt(in.length + 1));
			}
			case DUPLICATE -> {
				return concat(in, in);
			}
			case CONCATENATE -> {
				int n = 1 + random.nextInt(4);
				byte[] out = in;
				for (int i = 0; i < n; i++) {
					byte[] other = pool.get(random.nextInt(pool.size()));
					out = random.nextBoolean() ? concat(out, other) : concat(other, out);
				}
				return out;
			}
			case BODY_WITH_FIXED_CHECKSUM -> {
				return rewriteBody(in, random, maxFrameLength);
			}
			case COMPRESS, CORRUPT_COMPRESSED -> {
				List<Integer> starts = frameStarts(in);
				if (starts.isEmpty()) {
					return in;
				}
				int at = starts.get(random.nextInt(starts.size()));
				long length = ByteBuffer.wrap(in, at, 4).getInt() & 0xFFFFFFFFL;
				if (at + 4 + length > in.length) {
					return in;
				}
				byte[] blob = Arrays.copyOfRange(in, at + 4, at + 4 + (int) length);
				byte[] sealed;
				try (BlobCodec codec = new BlobCodec(Math.max(64, maxFrameLength))) {
					sealed = codec.seal(blob, random.nextBoolean() ? Compression.ZLIB : Compression.GZIP);
				}
				if (mutation == Mutation.CORRUPT_COMPRESSED && sealed.length > 0) {
					int where = random.nextInt(sealed.length);
					sealed[where] ^= (byte) (1 << random.nextInt(8));
					if (random.nextBoolean()) {
						sealed = Arrays.copyOf(sealed, random.nextInt(sealed.length + 1));
					}
				}
				return concat(Arrays.copyOfRange(in, 0, at), frame(sealed),
						Arrays.copyOfRange(in, at + 4 + (int) length, in.length));
			}
			case SWAP_FRAMES -> {
				List<Integer> starts = frameStarts(in);
				if (starts.size() < 2) {
					return concat(pool.get(random.nextInt(pool.size())), in);
				}
				int split = starts.get(1 + random.nextInt(starts.size() - 1));
				return concat(Arrays.copyOfRange(in, split, in.length), Arrays.copyOfRange(in, 0, split));
			}
			default -> {
				byte[] garbage = new byte[1 + random.nextInt(8)];
				random.nextBytes(garbage);
				return concat(garbage, in);
			}
		}
	}

	/**
	 * Mutates the msgpack body of one uncompressed frame and recomputes its checksum and
	 * length, so the change gets past the checksum and reaches the message parser.
	 */
	private static byte[] rewriteBody(byte[] in, SplittableRandom random, int maxFrameLength) {
		List<Integer> starts = frameStarts(in);
		if (starts.isEmpty()) {
			return in;
		}
		int at = starts.get(random.nextInt(starts.size()));
		long length = ByteBuffer.wrap(in, at, 4).getInt() & 0xFFFFFFFFL;
		if (at + 4 + length > in.length || length <= 32) {
			return in;
		}
		byte[] blob = Arrays.copyOfRange(in, at + 4, at + 4 + (int) length);
		byte[] opened;
		try (BlobCodec codec = new BlobCodec(Math.max(64, maxFrameLength))) {
			opened = codec.open(blob);
		}
		catch (WireFormatException ex) {
			return in;
		}
		byte[] body = Arrays.copyOfRange(opened, 32, opened.length);
		Mutation inner = switch (random.nextInt(4)) {
			case 0 -> Mutation.FLIP_BITS;
			case 1 -> Mutation.INSERT_BYTES;
			case 2 -> Mutation.DELETE_BYTES;
			default -> Mutation.OVERWRITE_BYTES;
		};
		byte[] mutated = mutateOnce(body, inner, random, List.of(), maxFrameLength);
		return concat(Arrays.copyOfRange(in, 0, at), frame(blob(mutated)),
				Arrays.copyOfRange(in, at + 4 + (int) length, in.length));
	}

	// ---------------------------------------------------------------- reads

	/**
	 * Splits a stream into the reads the peer's writes arrive in: one piece, a few random
	 * split points, or (for short streams, sometimes) byte by byte.
	 */
	static List<byte[]> split(byte[] stream, SplittableRandom random) {
		List<byte[]> chunks = new ArrayList<>();
		int roll = random.nextInt(20);
		if (roll == 0 && stream.length <= 400) {
			for (byte b : stream) {
				chunks.add(new byte[] { b });
			}
			return chunks;
		}
		int pieces = (roll < 6) ? 1 : 2 + random.nextInt(6);
		int[] cuts = new int[pieces - 1];
		for (int i = 0; i < cuts.length; i++) {
			cuts[i] = random.nextInt(stream.length + 1);
		}
		Arrays.sort(cuts);
		int at = 0;
		for (int cut : cuts) {
			chunks.add(Arrays.copyOfRange(stream, at, cut));
			at = cut;
		}
		chunks.add(Arrays.copyOfRange(stream, at, stream.length));
		return chunks;
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
