package io.syncsocket.internal.wire;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import io.syncsocket.LinkFault;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * Builds and parses message blobs: {@code SHA-256(body) || body}, where body is the
 * msgpack array {@code [msg_type, sender, time, p0 ... pk]} (PROTOCOL.md §1–2).
 * Compression is not done here (see {@link BlobCodec}). Stateless and thread-safe.
 */
public final class MessageCodec {

	private static final int MIN_ELEMENTS = 3;

	private MessageCodec() {
	}

	/**
	 * Encodes a message as the author: sender as str, time as the smallest unsigned int,
	 * packets as {@link Msgpack} writes them.
	 * @return {@code checksum || body}
	 */
	public static byte[] encode(int msgType, String sender, long time, List<?> payload) {
		BlobWriter writer = BlobWriter.get();
		writer.arrayHeader(3 + payload.size());
		writer.value(msgType, 1);
		writer.value(sender, 1);
		writer.value(time, 1);
		for (Object packet : payload) {
			writer.value(packet, 1);
		}
		return writer.seal();
	}

	/**
	 * Parses a blob whose checksum has already been verified.
	 * @throws WireFormatException (MALFORMED_MESSAGE) if the body is not msgpack, not an
	 * array of at least three elements, has trailing bytes, or its msg_type, sender or
	 * time have the wrong types
	 */
	public static WireMessage decode(byte[] blob) {
		WireMessage message = ScalarBodyReader.read(blob);
		return (message != null) ? message : decodeGeneral(blob);
	}

	/**
	 * The general decoder (msgpack-core): every body the fast {@link ScalarBodyReader}
	 * declines, and the one that words every rejection.
	 */
	static WireMessage decodeGeneral(byte[] blob) {
		int bodyLength = blob.length - WireMessage.CHECKSUM_LENGTH;
		if (bodyLength <= 0) {
			throw new WireFormatException(LinkFault.MALFORMED_MESSAGE, "empty message body");
		}
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(blob, WireMessage.CHECKSUM_LENGTH, bodyLength)) {
			MessageFormat format = unpacker.getNextFormat();
			if (format.getValueType() != ValueType.ARRAY) {
				throw malformed("body is a msgpack " + format.getValueType().name().toLowerCase() + ", not an array");
			}
			int size = unpacker.unpackArrayHeader();
			if (size < MIN_ELEMENTS) {
				throw malformed("body is an array of " + size + " elements (expected: >= 3)");
			}
			if (size > bodyLength) {
				throw malformed("body array announces " + Integer.toUnsignedString(size) + " elements in " + bodyLength
						+ " bytes");
			}
			int msgType = readMsgType(unpacker, bodyLength);
			String sender = readNodeId(unpacker, bodyLength, "sender");
			long time = readTime(unpacker, bodyLength);
			@Nullable Object[] payload = new Object[size - MIN_ELEMENTS];
			int[] bounds = new int[size - MIN_ELEMENTS + 1];
			for (int i = 0; i < size - MIN_ELEMENTS; i++) {
				bounds[i] = WireMessage.CHECKSUM_LENGTH + (int) unpacker.getTotalReadBytes();
				payload[i] = Msgpack.unpack(unpacker, bodyLength, 1);
			}
			bounds[size - MIN_ELEMENTS] = WireMessage.CHECKSUM_LENGTH + (int) unpacker.getTotalReadBytes();
			if (unpacker.hasNext()) {
				throw malformed("trailing bytes after the message array");
			}
			return new WireMessage(blob, msgType, sender, time, payload, bounds);
		}
		catch (IOException | RuntimeException ex) {
			throw Msgpack.malformed(ex);
		}
	}

	private static int readMsgType(MessageUnpacker unpacker, int limit) throws IOException {
		Object value = Msgpack.unpack(unpacker, limit, 1);
		if (value instanceof Long type && type >= 0 && type <= 0xff) {
			return type.intValue();
		}
		throw malformed("msg_type is " + describe(value) + " (expected: a small non-negative integer)");
	}

	/** The last node id decoded on this thread, as {@code [bytes, text]}. */
	private static final ThreadLocal<Object[]> LAST_SENDER = ThreadLocal.withInitial(() -> new Object[2]);

	private static String readNodeId(MessageUnpacker unpacker, int limit, String what) throws IOException {
		MessageFormat format = unpacker.getNextFormat();
		if (format.getValueType() == ValueType.STRING || format.getValueType() == ValueType.BINARY) {
			int length = (format.getValueType() == ValueType.STRING) ? unpacker.unpackRawStringHeader()
					: unpacker.unpackBinaryHeader();
			if (length < 0 || length > limit - unpacker.getTotalReadBytes()) {
				throw malformed(what + " of " + Integer.toUnsignedString(length) + " bytes exceeds the input");
			}
			byte[] bytes = unpacker.readPayload(length);
			return nodeId(bytes, 0, bytes.length);
		}
		Object value = Msgpack.unpack(unpacker, limit, 1);
		String id = nodeIdText(value);
		if (id == null) {
			throw malformed(what + " is " + describe(value) + " (expected: str or bin)");
		}
		return id;
	}

	/**
	 * The text of a node id given as UTF-8 bytes, the same String as last time on this
	 * thread when the bytes repeat (most frames on a link come from one author, most
	 * state entries name one owner).
	 */
	static String nodeId(byte[] bytes, int offset, int length) {
		Object[] last = LAST_SENDER.get();
		if (last[0] instanceof byte[] lastBytes
				&& Arrays.equals(lastBytes, 0, lastBytes.length, bytes, offset, offset + length)) {
			return (String) last[1];
		}
		String id = new String(bytes, offset, length, StandardCharsets.UTF_8);
		last[0] = Arrays.copyOfRange(bytes, offset, offset + length);
		last[1] = id;
		return id;
	}

	private static long readTime(MessageUnpacker unpacker, int limit) throws IOException {
		Object value = Msgpack.unpack(unpacker, limit, 1);
		Long time = timeValue(value);
		if (time == null) {
			throw malformed("time is " + describe(value) + " (expected: an integer or a float)");
		}
		return time;
	}

	/**
	 * A node id as text: str as is, bin as UTF-8 (py2p sends ids as bin); null for other
	 * types.
	 */
	public static @Nullable String nodeIdText(@Nullable Object value) {
		if (value instanceof String s) {
			return s;
		}
		if (value instanceof byte[] b) {
			return new String(b, StandardCharsets.UTF_8);
		}
		return null;
	}

	/**
	 * A time or timestamp in whole seconds: any integer, or a float truncated toward zero
	 * (js2p writes float64 for times after 2038); null for other types or non-finite
	 * floats.
	 */
	public static @Nullable Long timeValue(@Nullable Object value) {
		if (value instanceof Long l) {
			return l;
		}
		if (value instanceof BigInteger big) {
			return Long.MAX_VALUE;
		}
		if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value).doubleValue())) {
			return (long) ((Number) value).doubleValue();
		}
		return null;
	}

	/** A short description of a decoded value's type, for error messages. */
	public static String describe(@Nullable Object value) {
		if (value == null) {
			return "nil";
		}
		if (value instanceof String) {
			return "a str";
		}
		if (value instanceof byte[]) {
			return "a bin";
		}
		if (value instanceof Long || value instanceof BigInteger) {
			return "an integer (" + value + ")";
		}
		if (value instanceof Double || value instanceof Float) {
			return "a float";
		}
		if (value instanceof Boolean) {
			return "a bool";
		}
		if (value instanceof List<?> list) {
			return "an array of " + list.size();
		}
		if (value instanceof java.util.Map<?, ?> map) {
			return "a map of " + map.size();
		}
		return "an ext";
	}

	private static WireFormatException malformed(String message) {
		return new WireFormatException(LinkFault.MALFORMED_MESSAGE, message);
	}

}
