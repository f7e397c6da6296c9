package io.syncsocket.internal.wire;

import org.jspecify.annotations.Nullable;

/**
 * The receive fast path for the messages that dominate traffic (stores, state entries,
 * user messages of scalars): a body whose every element is a msgpack scalar, read
 * straight from the blob without msgpack-core and with str and bin packets left undecoded
 * ({@link WireMessage#packet(int)} decodes them when asked; a store keeps its value as
 * raw bytes and never asks).
 *
 * <p>
 * It only accepts what {@link MessageCodec#decodeGeneral} accepts, with the same result:
 * anything else (containers, ext, a uint64 above {@code Long.MAX_VALUE}, non-finite
 * times, truncation, trailing bytes, a malformed header) returns {@code null} and the
 * general decoder takes the body, so every rejection keeps one wording. Stateless.
 */
final class ScalarBodyReader {

	/** Marks a str packet that {@link WireMessage} decodes on demand. */
	static final Object LAZY_STR = new Object();

	/** Marks a bin packet that {@link WireMessage} decodes on demand. */
	static final Object LAZY_BIN = new Object();

	private static final Object DECLINED = new Object();

	private final byte[] blob;

	private int position = WireMessage.CHECKSUM_LENGTH;

	private ScalarBodyReader(byte[] blob) {
		this.blob = blob;
	}

	/** The message, or {@code null} if the general decoder must read this body. */
	static @Nullable WireMessage read(byte[] blob) {
		return new ScalarBodyReader(blob).message();
	}

	private @Nullable WireMessage message() {
		int size = arrayHeader();
		if (size < 3) {
			return null;
		}
		int msgType = msgType();
		if (msgType < 0) {
			return null;
		}
		String sender = nodeId();
		if (sender == null) {
			return null;
		}
		Object time = scalar();
		Long seconds = (time != DECLINED) ? MessageCodec.timeValue(time) : null;
		if (seconds == null) {
			return null;
		}
		int count = size - 3;
		@Nullable Object[] packets = new Object[count];
		int[] bounds = new int[count + 1];
		for (int i = 0; i < count; i++) {
			bounds[i] = this.position;
			Object packet = scalar();
			if (packet == DECLINED) {
				return null;
			}
			packets[i] = packet;
		}
		bounds[count] = this.position;
		if (this.position != this.blob.length) {
			return null;
		}
		return new WireMessage(this.blob, msgType, sender, seconds, packets, bounds);
	}

	/** fixarray or array16; -1 for anything else. */
	private int arrayHeader() {
		if (!available(1)) {
			return -1;
		}
		int head = u8(this.position);
		if ((head & 0xf0) == 0x90) {
			this.position++;
			return head & 0x0f;
		}
		if (head == 0xdc && available(3)) {
			this.position += 3;
			return u16(this.position - 2);
		}
		return -1;
	}

	/**
	 * positive fixint or uint8, as the general decoder's 0..255 check admits; -1
	 * otherwise.
	 */
	private int msgType() {
		if (!available(1)) {
			return -1;
		}
		int head = u8(this.position);
		if (head <= 0x7f) {
			this.position++;
			return head;
		}
		if (head == 0xcc && available(2)) {
			this.position += 2;
			return u8(this.position - 1);
		}
		return -1;
	}

	private @Nullable String nodeId() {
		int start = this.position;
		Object value = scalar();
		if (value != LAZY_STR && value != LAZY_BIN) {
			return null;
		}
		int offset = WireMessage.payloadOffset(this.blob, start);
		return MessageCodec.nodeId(this.blob, offset, this.position - offset);
	}

	/** The next scalar as the general decoder returns it, a lazy marker, or DECLINED. */
	private @Nullable Object scalar() {
		if (!available(1)) {
			return DECLINED;
		}
		int p = this.position;
		int head = u8(p);
		if (head <= 0x7f) {
			this.position++;
			return (long) head;
		}
		if (head >= 0xe0) {
			this.position++;
			return (long) (byte) head;
		}
		if ((head & 0xe0) == 0xa0) {
			return payload(1, head & 0x1f, LAZY_STR);
		}
		return switch (head) {
			case 0xc0 -> skip(1, null);
			case 0xc2 -> skip(1, Boolean.FALSE);
			case 0xc3 -> skip(1, Boolean.TRUE);
			case 0xcc -> available(2) ? skip(2, (long) u8(p + 1)) : DECLINED;
			case 0xcd -> available(3) ? skip(3, (long) u16(p + 1)) : DECLINED;
			case 0xce -> available(5) ? skip(5, u32(p + 1)) : DECLINED;
			case 0xcf -> (available(9) && this.blob[p + 1] >= 0) ? skip(9, s64(p + 1)) : DECLINED;
			case 0xd0 -> available(2) ? skip(2, (long) this.blob[p + 1]) : DECLINED;
			case 0xd1 -> available(3) ? skip(3, (long) (short) u16(p + 1)) : DECLINED;
			case 0xd2 -> available(5) ? skip(5, (long) (int) u32(p + 1)) : DECLINED;
			case 0xd3 -> available(9) ? skip(9, s64(p + 1)) : DECLINED;
			case 0xca -> available(5) ? skip(5, Float.intBitsToFloat((int) u32(p + 1))) : DECLINED;
			case 0xcb -> available(9) ? skip(9, Double.longBitsToDouble(s64(p + 1))) : DECLINED;
			case 0xd9 -> available(2) ? payload(2, u8(p + 1), LAZY_STR) : DECLINED;
			case 0xda -> available(3) ? payload(3, u16(p + 1), LAZY_STR) : DECLINED;
			case 0xdb -> available(5) ? payload(5, u32(p + 1), LAZY_STR) : DECLINED;
			case 0xc4 -> available(2) ? payload(2, u8(p + 1), LAZY_BIN) : DECLINED;
			case 0xc5 -> available(3) ? payload(3, u16(p + 1), LAZY_BIN) : DECLINED;
			case 0xc6 -> available(5) ? payload(5, u32(p + 1), LAZY_BIN) : DECLINED;
			default -> DECLINED; // containers, ext, 0xc1
		};
	}

	private @Nullable Object skip(int length, @Nullable Object value) {
		this.position += length;
		return value;
	}

	private Object payload(int headerLength, long length, Object marker) {
		if (!available(headerLength + length)) {
			return DECLINED;
		}
		this.position += headerLength + (int) length;
		return marker;
	}

	private boolean available(long bytes) {
		return bytes <= this.blob.length - this.position;
	}

	private int u8(int at) {
		return this.blob[at] & 0xff;
	}

	private int u16(int at) {
		return (u8(at) << 8) | u8(at + 1);
	}

	private long u32(int at) {
		return ((long) u16(at) << 16) | u16(at + 2);
	}

	private long s64(int at) {
		return (u32(at) << 32) | u32(at + 4);
	}

}
