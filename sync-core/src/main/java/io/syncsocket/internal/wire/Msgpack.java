package io.syncsocket.internal.wire;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.syncsocket.LinkFault;
import io.syncsocket.MsgpackExtension;
import org.jspecify.annotations.Nullable;
import org.msgpack.core.ExtensionTypeHeader;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;

/**
 * msgpack for plain Java values (PROTOCOL.md §2.1–2.2), on msgpack-core.
 *
 * <p>
 * The encoder is minimal-width: the smallest integer form (unsigned forms for
 * non-negative values), fixstr/str8/str16/str32 and bin8/bin16/bin32 by length, float64
 * for {@code Double} and float32 for {@code Float}. This reproduces js2p's bytes for
 * every value js2p can write except 255-byte binaries and integers outside ±2^31, which
 * js2p widens (the checksum covers the bytes as sent, so this does not matter on the
 * wire).
 *
 * <p>
 * The decoder accepts every standard format and keeps str and bin apart:
 * <table>
 * <caption>msgpack to Java</caption>
 * <tr>
 * <td>nil</td>
 * <td>{@code null}</td>
 * </tr>
 * <tr>
 * <td>bool</td>
 * <td>{@code Boolean}</td>
 * </tr>
 * <tr>
 * <td>any integer</td>
 * <td>{@code Long} ({@code BigInteger} above {@code Long.MAX_VALUE})</td>
 * </tr>
 * <tr>
 * <td>float32 / float64</td>
 * <td>{@code Float} / {@code Double}</td>
 * </tr>
 * <tr>
 * <td>str</td>
 * <td>{@code String}</td>
 * </tr>
 * <tr>
 * <td>bin</td>
 * <td>{@code byte[]}</td>
 * </tr>
 * <tr>
 * <td>array</td>
 * <td>unmodifiable {@code List<Object>}</td>
 * </tr>
 * <tr>
 * <td>map</td>
 * <td>unmodifiable {@code Map<Object, Object>} in wire order; bin keys become their UTF-8
 * text, as js2p does</td>
 * </tr>
 * <tr>
 * <td>ext</td>
 * <td>{@link MsgpackExtension}</td>
 * </tr>
 * </table>
 * Hostile input cannot make it allocate more than the input's size or recurse deeper than
 * {@link #MAX_DEPTH}. Stateless and thread-safe.
 */
public final class Msgpack {

	/**
	 * Nesting limit for decoded containers: deeper input is rejected, never a stack
	 * overflow.
	 */
	public static final int MAX_DEPTH = 128;

	private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

	private static final BigInteger MIN_INT64 = BigInteger.valueOf(Long.MIN_VALUE);

	private Msgpack() {
	}

	// ---------------------------------------------------------------- encoding

	/** Per-thread packers: encoding is on the hot path, their buffers are reused. */
	private static final ThreadLocal<MessageBufferPacker> PACKERS = ThreadLocal
		.withInitial(MessagePack::newDefaultBufferPacker);

	/**
	 * A packer grown beyond this is dropped after use rather than kept for the thread.
	 */
	private static final long MAX_RETAINED_BYTES = 64 * 1024;

	/** Encodes one value. */
	public static byte[] encode(@Nullable Object value) {
		MessageBufferPacker packer = borrowPacker();
		try {
			pack(packer, value, 0);
			return packer.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException("in-memory msgpack write failed", ex);
		}
		finally {
			returnPacker(packer);
		}
	}

	/** A cleared packer of this thread's; give it back with {@link #returnPacker}. */
	private static MessageBufferPacker borrowPacker() {
		MessageBufferPacker packer = PACKERS.get();
		packer.clear();
		return packer;
	}

	private static void returnPacker(MessageBufferPacker packer) {
		// getTotalWrittenBytes() is cumulative across clear(); getBufferSize() is this
		// use's
		if (packer.getBufferSize() > MAX_RETAINED_BYTES) {
			PACKERS.remove();
		}
	}

	/**
	 * Writes one value. Accepted types: {@code null}, {@code Boolean}, {@code String}
	 * (any {@code CharSequence}), {@code byte[]}, {@code Byte/Short/Integer/Long},
	 * {@code BigInteger} (in the int64/uint64 range), {@code Float}, {@code Double},
	 * {@code List} (any {@code Collection}), {@code Object[]}, {@code Map},
	 * {@link MsgpackExtension} and {@link RawMsgpack}.
	 * @throws IllegalArgumentException for any other type, or nesting deeper than
	 * {@link #MAX_DEPTH}
	 */
	public static void pack(MessagePacker packer, @Nullable Object value) throws IOException {
		pack(packer, value, 0);
	}

	private static void pack(MessagePacker packer, @Nullable Object value, int depth) throws IOException {
		if (depth > MAX_DEPTH) {
			throw new IllegalArgumentException("value nested deeper than " + MAX_DEPTH + " levels");
		}
		if (value == null) {
			packer.packNil();
		}
		else if (value instanceof String s) {
			packString(packer, s);
		}
		else if (value instanceof byte[] b) {
			packer.packBinaryHeader(b.length);
			packer.writePayload(b);
		}
		else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
			packer.packLong(((Number) value).longValue());
		}
		else if (value instanceof Boolean b) {
			packer.packBoolean(b);
		}
		else if (value instanceof Double d) {
			packer.packDouble(d);
		}
		else if (value instanceof Float f) {
			packer.packFloat(f);
		}
		else if (value instanceof RawMsgpack raw) {
			packer.writePayload(raw.bytes());
		}
		else if (value instanceof Map<?, ?> map) {
			packer.packMapHeader(map.size());
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				pack(packer, entry.getKey(), depth + 1);
				pack(packer, entry.getValue(), depth + 1);
			}
		}
		else if (value instanceof Collection<?> list) {
			packer.packArrayHeader(list.size());
			for (Object element : list) {
				pack(packer, element, depth + 1);
			}
		}
		else if (value instanceof Object[] array) {
			packer.packArrayHeader(array.length);
			for (Object element : array) {
				pack(packer, element, depth + 1);
			}
		}
		else if (value instanceof BigInteger big) {
			if (big.compareTo(MIN_INT64) < 0 || big.compareTo(MAX_UINT64) > 0) {
				throw new IllegalArgumentException("integer " + big + " is outside the msgpack range [-2^63, 2^64-1]");
			}
			packer.packBigInteger(big);
		}
		else if (value instanceof CharSequence cs) {
			packString(packer, cs.toString());
		}
		else if (value instanceof MsgpackExtension ext) {
			byte[] data = ext.data();
			packer.packExtensionTypeHeader(ext.type(), data.length);
			packer.writePayload(data);
		}
		else {
			throw new IllegalArgumentException("cannot encode a " + value.getClass().getName()
					+ " as msgpack (expected String, byte[], integer, Float, Double, Boolean, List, Map or null)");
		}
	}

	private static void packString(MessagePacker packer, String s) throws IOException {
		// Encode first so the header is the smallest one for the real UTF-8 length.
		byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
		packer.packRawStringHeader(utf8.length);
		packer.writePayload(utf8);
	}

	// ---------------------------------------------------------------- decoding

	/** Decodes exactly one value that spans all of {@code bytes}. */
	public static @Nullable Object decode(byte[] bytes) {
		return decode(bytes, 0, bytes.length);
	}

	/** Decodes exactly one value that spans {@code bytes[offset, offset+length)}. */
	public static @Nullable Object decode(byte[] bytes, int offset, int length) {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes, offset, length)) {
			Object value = unpack(unpacker, length, 0);
			if (unpacker.hasNext()) {
				throw new WireFormatException(LinkFault.MALFORMED_MESSAGE,
						"trailing bytes after a msgpack value (" + (length - unpacker.getTotalReadBytes()) + ")");
			}
			return value;
		}
		catch (IOException | RuntimeException ex) {
			throw malformed(ex);
		}
	}

	static WireFormatException malformed(Exception ex) {
		if (ex instanceof WireFormatException wfe) {
			return wfe;
		}
		return new WireFormatException(LinkFault.MALFORMED_MESSAGE, "not valid msgpack: " + ex.getMessage(), ex);
	}

	/**
	 * Reads the next value. {@code limit} is the number of input bytes that remain
	 * available; container headers announcing more elements than that are rejected before
	 * anything is allocated.
	 */
	static @Nullable Object unpack(MessageUnpacker unpacker, long limit, int depth) throws IOException {
		if (depth > MAX_DEPTH) {
			throw new WireFormatException(LinkFault.MALFORMED_MESSAGE,
					"msgpack nested deeper than " + MAX_DEPTH + " levels");
		}
		MessageFormat format = unpacker.getNextFormat();
		switch (format.getValueType()) {
			case NIL -> {
				unpacker.unpackNil();
				return null;
			}
			case BOOLEAN -> {
				return unpacker.unpackBoolean();
			}
			case INTEGER -> {
				if (format == MessageFormat.UINT64) {
					BigInteger big = unpacker.unpackBigInteger();
					return (big.bitLength() < 64) ? (Object) big.longValue() : big;
				}
				return unpacker.unpackLong();
			}
			case FLOAT -> {
				if (format == MessageFormat.FLOAT32) {
					return unpacker.unpackFloat();
				}
				return unpacker.unpackDouble();
			}
			case STRING -> {
				int length = unpacker.unpackRawStringHeader();
				return new String(readPayload(unpacker, length, limit), StandardCharsets.UTF_8);
			}
			case BINARY -> {
				int length = unpacker.unpackBinaryHeader();
				return readPayload(unpacker, length, limit);
			}
			case ARRAY -> {
				int size = unpacker.unpackArrayHeader();
				checkContainerSize(unpacker, size, limit);
				List<Object> list = new ArrayList<>(size);
				for (int i = 0; i < size; i++) {
					list.add(unpack(unpacker, limit, depth + 1));
				}
				return Collections.unmodifiableList(list);
			}
			case MAP -> {
				int size = unpacker.unpackMapHeader();
				checkContainerSize(unpacker, 2L * size, limit);
				Map<Object, Object> map = new LinkedHashMap<>(Math.max(4, size * 2));
				for (int i = 0; i < size; i++) {
					Object key = unpack(unpacker, limit, depth + 1);
					if (key instanceof byte[] bin) {
						key = new String(bin, StandardCharsets.UTF_8);
					}
					map.put(key, unpack(unpacker, limit, depth + 1));
				}
				return Collections.unmodifiableMap(map);
			}
			case EXTENSION -> {
				ExtensionTypeHeader header = unpacker.unpackExtensionTypeHeader();
				return new MsgpackExtension(header.getType(), readPayload(unpacker, header.getLength(), limit));
			}
			default -> throw new WireFormatException(LinkFault.MALFORMED_MESSAGE, "never-used msgpack byte 0xc1");
		}
	}

	private static byte[] readPayload(MessageUnpacker unpacker, int length, long limit) throws IOException {
		if (length < 0 || length > limit - unpacker.getTotalReadBytes()) {
			throw new WireFormatException(LinkFault.MALFORMED_MESSAGE,
					"msgpack payload of " + Integer.toUnsignedString(length) + " bytes exceeds the input");
		}
		return unpacker.readPayload(length);
	}

	private static void checkContainerSize(MessageUnpacker unpacker, long elements, long limit) {
		// Every element takes at least one byte, so more elements than remaining bytes is
		// a lie.
		if (elements < 0 || elements > limit - unpacker.getTotalReadBytes()) {
			throw new WireFormatException(LinkFault.MALFORMED_MESSAGE,
					"msgpack container of " + elements + " elements exceeds the input");
		}
	}

}
