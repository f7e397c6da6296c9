package io.syncsocket.internal.wire;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Writes a message body straight into a blob ({@code checksum || body}): the hot path of
 * {@link MessageCodec#encode}. Common Java types are written by hand with the same
 * minimal-width rules as {@link Msgpack} (byte for byte; the fixed-frame vectors check
 * it), into one reusable array with room for the checksum in front, so encoding a message
 * costs one copy and no intermediate buffers. Anything unusual ({@code BigInteger},
 * extensions, arrays of objects ...) is handed to msgpack-core. One instance per thread.
 */
final class BlobWriter {

	private static final ThreadLocal<BlobWriter> WRITERS = ThreadLocal.withInitial(BlobWriter::new);

	/**
	 * A writer grown beyond this is dropped after use rather than kept for the thread.
	 */
	private static final int MAX_RETAINED = 64 * 1024;

	private byte[] buffer = new byte[512];

	private int position;

	static BlobWriter get() {
		BlobWriter writer = WRITERS.get();
		writer.position = WireMessage.CHECKSUM_LENGTH;
		return writer;
	}

	/**
	 * The finished blob: a copy of what was written, with the SHA-256 of the body in
	 * front.
	 */
	byte[] seal() {
		byte[] blob = Arrays.copyOf(this.buffer, this.position);
		Ids.sha256Into(blob, WireMessage.CHECKSUM_LENGTH, blob.length - WireMessage.CHECKSUM_LENGTH, blob, 0);
		if (this.buffer.length > MAX_RETAINED) {
			WRITERS.remove();
		}
		return blob;
	}

	void arrayHeader(int size) {
		if (size < 16) {
			writeByte(0x90 | size);
		}
		else if (size < 0x10000) {
			writeByte(0xdc);
			writeShort(size);
		}
		else {
			writeByte(0xdd);
			writeInt(size);
		}
	}

	void value(@Nullable Object value, int depth) {
		if (depth > Msgpack.MAX_DEPTH) {
			throw new IllegalArgumentException("value nested deeper than " + Msgpack.MAX_DEPTH + " levels");
		}
		if (value == null) {
			writeByte(0xc0);
		}
		else if (value instanceof String s) {
			string(s);
		}
		else if (value instanceof byte[] b) {
			binary(b);
		}
		else if (value instanceof RawMsgpack raw) {
			writeBytes(raw.bytes());
		}
		else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
			integer(((Number) value).longValue());
		}
		else if (value instanceof Boolean b) {
			writeByte(b ? 0xc3 : 0xc2);
		}
		else if (value instanceof Double d) {
			writeByte(0xcb);
			writeLong(Double.doubleToRawLongBits(d));
		}
		else if (value instanceof Float f) {
			writeByte(0xca);
			writeInt(Float.floatToRawIntBits(f));
		}
		else if (value instanceof List<?> list) {
			arrayHeader(list.size());
			for (Object element : list) {
				value(element, depth + 1);
			}
		}
		else if (value instanceof Map<?, ?> map) {
			mapHeader(map.size());
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				value(entry.getKey(), depth + 1);
				value(entry.getValue(), depth + 1);
			}
		}
		else if (value instanceof Collection<?> || value instanceof BigInteger || value instanceof CharSequence
				|| value instanceof Object[] || value instanceof io.syncsocket.MsgpackExtension) {
			writeBytes(Msgpack.encode(value));
		}
		else {
			// Msgpack names the type in its error message
			Msgpack.encode(value);
		}
	}

	private void mapHeader(int size) {
		if (size < 16) {
			writeByte(0x80 | size);
		}
		else if (size < 0x10000) {
			writeByte(0xde);
			writeShort(size);
		}
		else {
			writeByte(0xdf);
			writeInt(size);
		}
	}

	/**
	 * The smallest form, unsigned forms for non-negative values (as msgpack-core's
	 * packLong).
	 */
	private void integer(long v) {
		if (v >= 0) {
			if (v < 0x80) {
				writeByte((int) v);
			}
			else if (v < 0x100) {
				writeByte(0xcc);
				writeByte((int) v);
			}
			else if (v < 0x10000) {
				writeByte(0xcd);
				writeShort((int) v);
			}
			else if (v < 0x100000000L) {
				writeByte(0xce);
				writeInt((int) v);
			}
			else {
				writeByte(0xcf);
				writeLong(v);
			}
		}
		else if (v >= -32) {
			writeByte((int) v & 0xff);
		}
		else if (v >= Byte.MIN_VALUE) {
			writeByte(0xd0);
			writeByte((int) v & 0xff);
		}
		else if (v >= Short.MIN_VALUE) {
			writeByte(0xd1);
			writeShort((int) v);
		}
		else if (v >= Integer.MIN_VALUE) {
			writeByte(0xd2);
			writeInt((int) v);
		}
		else {
			writeByte(0xd3);
			writeLong(v);
		}
	}

	private void string(String s) {
		byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
		int length = utf8.length;
		if (length < 32) {
			writeByte(0xa0 | length);
		}
		else if (length < 0x100) {
			writeByte(0xd9);
			writeByte(length);
		}
		else if (length < 0x10000) {
			writeByte(0xda);
			writeShort(length);
		}
		else {
			writeByte(0xdb);
			writeInt(length);
		}
		writeBytes(utf8);
	}

	private void binary(byte[] bytes) {
		int length = bytes.length;
		if (length < 0x100) {
			writeByte(0xc4);
			writeByte(length);
		}
		else if (length < 0x10000) {
			writeByte(0xc5);
			writeShort(length);
		}
		else {
			writeByte(0xc6);
			writeInt(length);
		}
		writeBytes(bytes);
	}

	private void ensure(int more) {
		if (this.position + more > this.buffer.length) {
			this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.position + more));
		}
	}

	private void writeByte(int b) {
		ensure(1);
		this.buffer[this.position++] = (byte) b;
	}

	private void writeShort(int v) {
		ensure(2);
		this.buffer[this.position++] = (byte) (v >>> 8);
		this.buffer[this.position++] = (byte) v;
	}

	private void writeInt(int v) {
		ensure(4);
		this.buffer[this.position++] = (byte) (v >>> 24);
		this.buffer[this.position++] = (byte) (v >>> 16);
		this.buffer[this.position++] = (byte) (v >>> 8);
		this.buffer[this.position++] = (byte) v;
	}

	private void writeLong(long v) {
		writeInt((int) (v >>> 32));
		writeInt((int) v);
	}

	private void writeBytes(byte[] bytes) {
		ensure(bytes.length);
		System.arraycopy(bytes, 0, this.buffer, this.position, bytes.length);
		this.position += bytes.length;
	}

}
