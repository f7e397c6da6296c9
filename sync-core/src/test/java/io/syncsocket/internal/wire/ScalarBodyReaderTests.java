package io.syncsocket.internal.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The receive fast path ({@link ScalarBodyReader}) against the general decoder: for every
 * body, generated and mutated, {@link MessageCodec#decode} and
 * {@link MessageCodec#decodeGeneral} give the same message or the same rejection.
 */
class ScalarBodyReaderTests {

	private static final long SEED = 0x5ca1ab1eL;

	private static final int CASES = 60_000;

	@Test
	void fastPathShouldAgreeWithTheGeneralDecoderOnEveryBody() {
		Random random = new Random(SEED);
		int taken = 0;
		for (int i = 0; i < CASES; i++) {
			boolean clean = random.nextBoolean();
			byte[] body = body(random, clean);
			if (!clean && random.nextInt(3) == 0) {
				mutate(random, body);
			}
			if (!clean && random.nextInt(4) == 0) {
				body = Arrays.copyOf(body, random.nextInt(body.length + 2));
			}
			byte[] blob = new byte[32 + body.length];
			System.arraycopy(body, 0, blob, 32, body.length);
			if (ScalarBodyReader.read(blob) != null) {
				taken++;
			}
			assertSameOutcome(blob, "case " + i + " (seed " + SEED + "), body " + Vectors.hex(body));
		}
		// the fast path must actually be exercised, and the general decoder too
		assertThat(taken).isBetween(CASES / 5, CASES - CASES / 10);
	}

	@Test
	void storeMessagesShouldTakeTheFastPathWithUndecodedStrings() {
		byte[] blob = MessageCodec.encode(0, "sender-id", 1_764_150_000L,
				List.of(11L, "key", "value-é", "owner", 1_764_150_000L));

		WireMessage message = ScalarBodyReader.read(blob);

		assertThat(message).isNotNull();
		assertThat(message.payload()).containsExactly(11L, "key", "value-é", "owner", 1_764_150_000L);
		assertThat(message.binaryOrAsciiBytes(1)).isEqualTo("key".getBytes(StandardCharsets.US_ASCII));
		assertThat(message.binaryOrAsciiBytes(2)).as("non-ASCII str").isNull();
		assertThat(message.binaryOrAsciiBytes(4)).as("an integer").isNull();
		assertThat(message.nodeIdPacket(3)).isEqualTo("owner").isSameAs(message.nodeIdPacket(3));
		assertThat(message.rawPacket(2)).isEqualTo(Msgpack.encode("value-é"));
	}

	@Test
	void containersShouldBeLeftToTheGeneralDecoder() {
		byte[] blob = MessageCodec.encode(0, "sender-id", 5, List.of(17L, "key", java.util.Map.of("a", 1L)));

		assertThat(ScalarBodyReader.read(blob)).isNull();
		assertThat(MessageCodec.decode(blob).packet(2)).isEqualTo(java.util.Map.of("a", 1L));
	}

	private static void assertSameOutcome(byte[] blob, String description) {
		WireMessage fast = null;
		WireMessage general = null;
		WireFormatException fastError = null;
		WireFormatException generalError = null;
		try {
			fast = MessageCodec.decode(blob);
		}
		catch (WireFormatException ex) {
			fastError = ex;
		}
		try {
			general = MessageCodec.decodeGeneral(blob);
		}
		catch (WireFormatException ex) {
			generalError = ex;
		}
		if (generalError != null) {
			assertThat(fastError).as(description).isNotNull();
			assertThat(fastError.fault()).as(description).isEqualTo(generalError.fault());
			assertThat(fastError.getMessage()).as(description).isEqualTo(generalError.getMessage());
			return;
		}
		if (fast == null || general == null) {
			fail(description + ": fast path rejected what the general decoder accepts: " + fastError);
			return;
		}
		assertThat(fast.msgType()).as(description).isEqualTo(general.msgType());
		assertThat(fast.sender()).as(description).isEqualTo(general.sender());
		assertThat(fast.time()).as(description).isEqualTo(general.time());
		assertThat(fast.packetCount()).as(description).isEqualTo(general.packetCount());
		for (int i = 0; i < fast.packetCount(); i++) {
			assertThat(fast.packet(i)).as(description + " packet " + i).isEqualTo(general.packet(i));
			assertThat(fast.rawPacket(i)).as(description + " raw packet " + i).isEqualTo(general.rawPacket(i));
			assertThat(fast.binaryOrAsciiBytes(i) == null || general.packet(i) instanceof byte[]
					|| Arrays.equals(fast.binaryOrAsciiBytes(i),
							((String) general.packet(i)).getBytes(StandardCharsets.UTF_8)))
				.as(description + " key bytes " + i)
				.isTrue();
		}
	}

	// ---------------------------------------------------------------- generation

	/**
	 * A message-shaped body: {@code clean} ones are valid and all scalar, others are
	 * often not.
	 */
	private static byte[] body(Random random, boolean clean) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int packets = random.nextInt(7);
		int size = 3 + packets;
		if (!clean && random.nextInt(20) == 0) {
			size = random.nextInt(4);
		}
		if (random.nextInt(10) == 0) {
			out.write(0xdc);
			out.write(size >>> 8);
			out.write(size);
		}
		else if (!clean && random.nextInt(30) == 0) {
			out.write(0xdd);
			writeInt(out, size);
		}
		else {
			out.write(0x90 | (size & 0x0f));
		}
		for (int i = 0; i < size; i++) {
			scalar(random, out, i, clean);
		}
		return out.toByteArray();
	}

	/**
	 * Element {@code index}: header fields with a bias toward their right types, then
	 * anything.
	 */
	private static void scalar(Random random, ByteArrayOutputStream out, int index, boolean clean) {
		int choice = clean ? 0 : random.nextInt(20);
		if (index == 0 && clean) {
			out.write(random.nextInt(3)); // as every encoder writes msg_type
			return;
		}
		if (index == 0 && choice < 12) {
			integer(random, out, random.nextInt(300) - 20);
			return;
		}
		if (index == 1 && choice < 14) {
			text(random, out, random.nextBoolean() ? 0xa0 : 0xc4, 1 + random.nextInt(70));
			return;
		}
		if (index == 2 && choice < 12) {
			integer(random, out, random.nextBoolean() ? 1_764_150_000L : random.nextLong() >>> (clean ? 1 : 0));
			return;
		}
		switch (random.nextInt(clean ? 9 : 12)) {
			case 0 -> out
				.write(clean ? 0xc0 | (random.nextInt(3) == 0 ? 0 : 2 + random.nextInt(2)) : 0xc0 + random.nextInt(4)); // nil,
																														// 0xc1,
																														// false,
																														// true
			case 1, 2 -> integer(random, out, random.nextLong() >> random.nextInt(64));
			case 3 -> {
				out.write(0xca);
				writeInt(out, Float.floatToRawIntBits(random.nextBoolean() ? Float.NaN : random.nextFloat()));
			}
			case 4 -> {
				out.write(0xcb);
				writeLong(out, Double.doubleToRawLongBits(
						random.nextInt(4) == 0 ? Double.POSITIVE_INFINITY : random.nextDouble() * 1e12));
			}
			case 5, 6, 7 -> text(random, out, 0xa0, random.nextInt(300));
			case 8 -> text(random, out, 0xc4, random.nextInt(300));
			case 9 -> {
				// a small container or ext
				int kind = random.nextInt(3);
				out.write(kind == 0 ? 0x92 : (kind == 1 ? 0x81 : 0xd4));
				out.write(random.nextInt(128));
				out.write(random.nextInt(128));
			}
			case 10 -> {
				out.write(0xcf);
				writeLong(out, random.nextLong());
			}
			default -> out.write(random.nextInt(256));
		}
	}

	/** An integer in a random (not always minimal) format that can hold it. */
	private static void integer(Random random, ByteArrayOutputStream out, long value) {
		List<Integer> formats = new ArrayList<>();
		if (value >= 0 && value <= 0x7f) {
			formats.add(-1);
		}
		if (value >= -32 && value < 0) {
			formats.add(-2);
		}
		if (value >= 0 && value <= 0xff) {
			formats.add(0xcc);
		}
		if (value >= 0 && value <= 0xffff) {
			formats.add(0xcd);
		}
		if (value >= 0 && value <= 0xffffffffL) {
			formats.add(0xce);
		}
		if (value >= 0) {
			formats.add(0xcf);
		}
		if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
			formats.add(0xd0);
		}
		if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE) {
			formats.add(0xd1);
		}
		if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
			formats.add(0xd2);
		}
		formats.add(0xd3);
		int format = formats.get(random.nextInt(formats.size()));
		switch (format) {
			case -1 -> out.write((int) value);
			case -2 -> out.write((int) value & 0xff);
			case 0xcc, 0xd0 -> {
				out.write(format);
				out.write((int) value);
			}
			case 0xcd, 0xd1 -> {
				out.write(format);
				out.write((int) (value >>> 8));
				out.write((int) value);
			}
			case 0xce, 0xd2 -> {
				out.write(format);
				writeInt(out, (int) value);
			}
			default -> {
				out.write(format);
				writeLong(out, value);
			}
		}
	}

	/**
	 * A str ({@code 0xa0}) or bin ({@code 0xc4}) of {@code length} bytes, sometimes
	 * invalid UTF-8.
	 */
	private static void text(Random random, ByteArrayOutputStream out, int kind, int length) {
		if (kind == 0xa0) {
			if (length < 32 && random.nextBoolean()) {
				out.write(0xa0 | length);
			}
			else if (length < 256 && random.nextBoolean()) {
				out.write(0xd9);
				out.write(length);
			}
			else if (random.nextBoolean()) {
				out.write(0xda);
				out.write(length >>> 8);
				out.write(length);
			}
			else {
				out.write(0xdb);
				writeInt(out, length);
			}
		}
		else if (length < 256 && random.nextBoolean()) {
			out.write(0xc4);
			out.write(length);
		}
		else if (random.nextBoolean()) {
			out.write(0xc5);
			out.write(length >>> 8);
			out.write(length);
		}
		else {
			out.write(0xc6);
			writeInt(out, length);
		}
		boolean ascii = random.nextInt(4) != 0;
		for (int i = 0; i < length; i++) {
			out.write(ascii ? 0x20 + random.nextInt(0x5f) : random.nextInt(256));
		}
	}

	private static void mutate(Random random, byte[] body) {
		if (body.length == 0) {
			return;
		}
		int flips = 1 + random.nextInt(3);
		for (int i = 0; i < flips; i++) {
			body[random.nextInt(body.length)] = (byte) random.nextInt(256);
		}
	}

	private static void writeInt(ByteArrayOutputStream out, int value) {
		out.write(value >>> 24);
		out.write(value >>> 16);
		out.write(value >>> 8);
		out.write(value);
	}

	private static void writeLong(ByteArrayOutputStream out, long value) {
		writeInt(out, (int) (value >>> 32));
		writeInt(out, (int) value);
	}

}
