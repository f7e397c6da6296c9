package io.syncsocket.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import io.syncsocket.fuzz.MsgpackGen.Packed;
import io.syncsocket.internal.wire.MessageCodec;
import io.syncsocket.internal.wire.Msgpack;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;

/**
 * Message bodies for the fuzz suite (PROTOCOL.md §2, §4, §5, §7): random msgpack in every
 * position of {@code [msg_type, sender, time, p0, ...]}, and valid-looking protocol
 * messages (handshake, peers, request, response, store, delta, renegotiate, user
 * messages) with one field replaced, removed or added. Each body comes with what the
 * parser must make of it, worked out from the generated values, not from the parser.
 */
final class Messages {

	private Messages() {
	}

	/**
	 * Who the messages are from and what they name.
	 *
	 * @param sender the id the frames are authored with
	 * @param protocolId the receiving node's protocol id
	 * @param keys dictionary keys to use (String or byte[])
	 * @param owners owner ids for 5-packet stores
	 * @param time a time that is safe to stamp (whole seconds)
	 */
	record Context(String sender, String protocolId, int port, List<Object> keys, List<String> owners,
			LongSupplier time) {
	}

	/**
	 * What the parser must return for a body whose checksum is right.
	 *
	 * @param msgType the main flag
	 * @param sender the sender as text
	 * @param time the time in whole seconds
	 * @param payload the decoded packets
	 * @param rawPackets the encoding of each packet, or null if not known
	 */
	record Expected(int msgType, String sender, long time, List<@Nullable Object> payload,
			@Nullable List<byte[]> rawPackets) {
	}

	/**
	 * A generated body.
	 *
	 * @param shape what was generated (for the report)
	 * @param expected the parse result, or null if the parser must reject it as
	 * MALFORMED_MESSAGE
	 */
	record Body(byte[] body, String shape, @Nullable Expected expected) {
	}

	static final List<String> TEMPLATES = List.of("handshake", "peers", "peers-empty", "request-all", "request-route",
			"response", "store3-broadcast", "store3-whisper", "store5-whisper", "store5-broadcast", "delete",
			"delta-broadcast", "delta-whisper", "renegotiate-compression", "renegotiate-resend", "user-broadcast",
			"user-whisper", "ping");

	/**
	 * The interesting leaves for a context: flags, ids, times, keys, addresses,
	 * compression lists.
	 */
	static List<Object> interesting(Context context, List<String> ids) {
		List<Object> values = new ArrayList<>();
		for (long flag : new long[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 17, 0x13, 0x11, 0x20, 0x30, 0x7f, 0xff, 0x100,
				-1 }) {
			values.add(flag);
		}
		values.addAll(ids);
		values.add(context.sender());
		values.add(context.sender().getBytes(StandardCharsets.UTF_8));
		values.add(context.protocolId());
		values.add(context.protocolId().getBytes(StandardCharsets.US_ASCII));
		values.add("*");
		values.add(new byte[] { '*' });
		values.add("");
		values.add("127.0.0.1");
		values.add(context.time().getAsLong());
		values.add(context.time().getAsLong() + 1);
		values.add(context.time().getAsLong() + 3600);
		values.addAll(context.keys());
		values.add(List.of("127.0.0.1", context.port()));
		values.add(List.of("127.0.0.1", 70000));
		values.add(List.of(0x13, 0x11));
		values.add(List.of(0x11));
		values.add(List.of());
		values.add(List.of(List.of(List.of("127.0.0.1", 1), "peer-from-a-list")));
		values.add(Map.of("a", 1));
		values.add(Map.of());
		values.add(true);
		return values;
	}

	// ---------------------------------------------------------------- random positions

	/**
	 * {@code [msg_type, sender, time, p0 ... pk]} with each position plausible or random,
	 * or a broken body.
	 */
	static Body randomPositions(MsgpackGen gen, Context context) {
		SplittableRandom random = gen.random();
		int roll = random.nextInt(100);
		if (roll < 4) {
			Packed value = gen.any();
			return new Body(value.bytes(), "non-array body", expectedOf(value));
		}
		if (roll < 6) {
			return new Body(new byte[0], "empty body", null);
		}
		List<Packed> elements = new ArrayList<>();
		int size = (random.nextInt(10) == 0) ? random.nextInt(3) : 3 + random.nextInt(7);
		for (int i = 0; i < size; i++) {
			elements.add(switch (i) {
				case 0 -> (random.nextInt(10) < 8) ? gen.of((long) pickFlag(random, true)) : gen.any();
				case 1 -> (random.nextInt(10) < 8) ? gen
					.of(random.nextBoolean() ? context.sender() : context.sender().getBytes(StandardCharsets.UTF_8))
						: gen.any();
				case 2 -> (random.nextInt(10) < 8) ? gen.of(context.time().getAsLong()) : gen.any();
				case 3 -> (random.nextInt(10) < 6) ? gen.of((long) pickFlag(random, false)) : gen.any();
				default -> gen.plausible();
			});
		}
		return body(elements, random, "random positions");
	}

	private static int pickFlag(SplittableRandom random, boolean main) {
		int[] flags = main ? new int[] { 0, 0, 1, 2, 2, 3, 4, 0x7f, 0xff }
				: new int[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 12, 16, 17, 17, 0x30 };
		return flags[random.nextInt(flags.length)];
	}

	// ---------------------------------------------------------------- templates with one
	// field changed

	/**
	 * A valid-looking message of a random kind with one position replaced, removed or
	 * added.
	 */
	static Body oneField(MsgpackGen gen, Context context) {
		SplittableRandom random = gen.random();
		String name = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
		List<Packed> elements = new ArrayList<>(template(name, gen, context));
		int at = random.nextInt(elements.size());
		int op = random.nextInt(10);
		String change;
		if (op < 8) {
			elements.set(at, (random.nextInt(3) == 0) ? gen.interesting() : gen.any());
			change = "replaced " + at;
		}
		else if (op < 9) {
			elements.remove(at);
			change = "removed " + at;
		}
		else {
			elements.add(at, gen.plausible());
			change = "inserted " + at;
		}
		return body(elements, random, name + " " + change);
	}

	/** A valid message of the named kind, as its elements. */
	static List<Packed> template(String name, MsgpackGen gen, Context context) {
		SplittableRandom random = gen.random();
		String sender = context.sender();
		long now = context.time().getAsLong();
		Object key = context.keys().get(random.nextInt(context.keys().size()));
		List<Object> values = switch (name) {
			case "handshake" ->
				List.of(2, sender, now, 5, sender, context.protocolId().getBytes(StandardCharsets.US_ASCII),
						List.of("127.0.0.1", context.port()), List.of(0x13, 0x11));
			case "peers" -> List.of(2, sender, now, 7, List.of(List.of(List.of("127.0.0.1", 1), "peer-from-a-list")));
			case "peers-empty" -> List.of(2, sender, now, 7, List.of());
			case "request-all" -> List.of(2, sender, now, 8, new byte[] { '*' });
			case "request-route" -> List.of(0, sender, now, 8, "request-" + random.nextInt(1000), "target");
			case "response" -> List.of(0, sender, now, 10, "request-1", List.of(List.of("127.0.0.1", 1), "target"));
			case "renegotiate-compression" -> List.of(1, sender, now, 1, List.of(0x11));
			case "renegotiate-resend" -> List.of(1, sender, now, 9);
			case "user-broadcast" -> List.of(0, sender, now, 0, "hello", random.nextInt(1000));
			case "user-whisper" -> List.of(2, sender, now, 2, "hi");
			case "ping" -> List.of(3, sender, now, 3);
			default -> null;
		};
		if (values != null) {
			List<Packed> elements = new ArrayList<>();
			values.forEach((value) -> elements.add(gen.of(value)));
			return elements;
		}
		List<Packed> elements = new ArrayList<>();
		boolean broadcast = name.endsWith("broadcast") || name.equals("delete");
		elements.add(gen.of(broadcast ? 0 : 2));
		elements.add(gen.of(sender));
		elements.add(gen.of(now));
		switch (name) {
			case "store3-broadcast", "store3-whisper", "delete" -> {
				elements.add(gen.of(11));
				elements.add(gen.of(key));
				elements.add(name.equals("delete") ? gen.of(null) : gen.any());
			}
			case "store5-whisper", "store5-broadcast" -> {
				elements.add(gen.of(11));
				elements.add(gen.of(key));
				elements.add((random.nextInt(8) == 0) ? gen.of(null) : gen.any());
				elements.add(gen.of(context.owners().get(random.nextInt(context.owners().size()))));
				elements.add(gen.of(context.time().getAsLong() + random.nextLong(-2000, 2000)));
			}
			case "delta-broadcast", "delta-whisper" -> {
				elements.add(gen.of(17));
				elements.add(gen.of(key));
				elements.add(gen.map());
			}
			default -> throw new IllegalArgumentException("unknown template " + name);
		}
		return elements;
	}

	// ---------------------------------------------------------------- the oracle

	/**
	 * An array body of these elements (sometimes broken on purpose) and what parsing it
	 * must give.
	 */
	static Body body(List<Packed> elements, SplittableRandom random, String shape) {
		byte[] body = Frames.arrayBody(elements, random);
		int roll = random.nextInt(100);
		if (roll < 3 && body.length > 1) {
			return new Body(Arrays.copyOf(body, 1 + random.nextInt(body.length - 1)), shape + ", truncated", null);
		}
		if (roll < 6) {
			byte[] extra = new byte[1 + random.nextInt(4)];
			random.nextBytes(extra);
			return new Body(Frames.concat(body, extra), shape + ", trailing bytes", null);
		}
		List<@Nullable Object> values = new ArrayList<>();
		List<byte[]> raw = new ArrayList<>();
		boolean deep = false;
		for (Packed element : elements) {
			values.add(element.expected());
			raw.add(element.bytes());
			deep |= element.depth() > Msgpack.MAX_DEPTH;
		}
		Expected expected = deep ? null : expected(values, raw.subList(Math.min(3, raw.size()), raw.size()));
		return new Body(body, shape, expected);
	}

	/**
	 * For a body that is one generated value: well-formed only if it is an array that
	 * meets the rules.
	 */
	private static @Nullable Expected expectedOf(Packed value) {
		if (!(value.expected() instanceof List<?> list) || value.depth() > Msgpack.MAX_DEPTH + 1) {
			return null;
		}
		return expected(new ArrayList<>(list), null);
	}

	/**
	 * PROTOCOL.md §2.1: at least three elements, msg_type a small int, sender str or bin,
	 * time an int or finite float.
	 */
	private static @Nullable Expected expected(List<@Nullable Object> values, @Nullable List<byte[]> rawPackets) {
		if (values.size() < 3 || !(values.get(0) instanceof Long type) || type < 0 || type > 0xff) {
			return null;
		}
		String sender = MessageCodec.nodeIdText(values.get(1));
		Long time = MessageCodec.timeValue(values.get(2));
		if (sender == null || time == null) {
			return null;
		}
		return new Expected(type.intValue(), sender, time, values.subList(3, values.size()), rawPackets);
	}

	/**
	 * Describes how a parsed message differs from the expectation, or returns null if it
	 * matches.
	 */
	static @Nullable String mismatch(Expected expected, WireMessage message) {
		if (message.msgType() != expected.msgType()) {
			return "msg_type " + message.msgType() + " (expected " + expected.msgType() + ")";
		}
		if (!message.sender().equals(expected.sender())) {
			return "sender " + message.sender() + " (expected " + expected.sender() + ")";
		}
		if (message.time() != expected.time()) {
			return "time " + message.time() + " (expected " + expected.time() + ")";
		}
		if (!MsgpackGen.deepEquals(message.payload(), expected.payload())) {
			return "payload " + message.payload() + " (expected " + expected.payload() + ")";
		}
		List<byte[]> raw = expected.rawPackets();
		if (raw != null) {
			for (int i = 0; i < raw.size(); i++) {
				if (!Arrays.equals(message.rawPacket(i), raw.get(i))) {
					return "raw packet " + i + " " + Frames.hexPrefix(message.rawPacket(i), 64) + " (expected "
							+ Frames.hexPrefix(raw.get(i), 64) + ")";
				}
			}
		}
		return null;
	}

}
