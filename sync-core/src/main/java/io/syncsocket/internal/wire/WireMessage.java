package io.syncsocket.internal.wire;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

import org.jspecify.annotations.Nullable;

/**
 * One decoded message (PROTOCOL.md §2): {@code [msg_type, sender, time, p0, ..., pk]}.
 *
 * <p>
 * Keeps the verified blob ({@code checksum || body}, uncompressed) exactly as the author
 * encoded it, so a broadcast can be relayed byte for byte and a stored value can be
 * re-sent with its original msgpack encoding ({@link #rawPacket(int)}). str and bin
 * packets read by the fast path stay undecoded until a handler asks for them. Immutable
 * once built (safe to hand between threads); the blob must not be modified by anyone.
 */
public final class WireMessage {

	/** Size of the SHA-256 checksum that starts every blob; also the message id. */
	public static final int CHECKSUM_LENGTH = 32;

	private final byte[] blob;

	private final int msgType;

	private final String sender;

	private final long time;

	/**
	 * Decoded packets, or {@link ScalarBodyReader#LAZY_STR}/{@code LAZY_BIN} for
	 * undecoded ones.
	 */
	private final @Nullable Object[] packets;

	private final int[] packetBounds;

	private final List<@Nullable Object> payload = new PayloadView();

	WireMessage(byte[] blob, int msgType, String sender, long time, @Nullable Object[] packets, int[] packetBounds) {
		this.blob = blob;
		this.msgType = msgType;
		this.sender = sender;
		this.time = time;
		this.packets = packets;
		this.packetBounds = packetBounds;
	}

	/**
	 * The blob as authored: 32-byte SHA-256 of the body, then the msgpack body. Do not
	 * modify.
	 */
	public byte[] blob() {
		return this.blob;
	}

	/** The main flag: 0 broadcast, 1 renegotiate, 2 whisper, or anything a peer sent. */
	public int msgType() {
		return this.msgType;
	}

	/** The node id of the original author (bin ids are turned into their UTF-8 text). */
	public String sender() {
		return this.sender;
	}

	/** Unix time in whole seconds when the author built the message. */
	public long time() {
		return this.time;
	}

	/**
	 * The decoded packets {@code p0 .. pk} (p0 is the sub-flag; may be empty), an
	 * unmodifiable view that decodes str and bin packets on each access.
	 */
	public List<@Nullable Object> payload() {
		return this.payload;
	}

	/** Number of packets (payload elements, sub-flag included). */
	public int packetCount() {
		return this.packets.length;
	}

	/**
	 * Packet {@code index} decoded as {@link Msgpack} decodes it (a new String or array
	 * each call for str and bin).
	 */
	public @Nullable Object packet(int index) {
		Object packet = this.packets[index];
		if (packet == ScalarBodyReader.LAZY_STR) {
			int offset = payloadOffset(this.blob, this.packetBounds[index]);
			return new String(this.blob, offset, this.packetBounds[index + 1] - offset, StandardCharsets.UTF_8);
		}
		if (packet == ScalarBodyReader.LAZY_BIN) {
			return Arrays.copyOfRange(this.blob, payloadOffset(this.blob, this.packetBounds[index]),
					this.packetBounds[index + 1]);
		}
		return packet;
	}

	/**
	 * The bytes of packet {@code index} when it is a bin, or a str of ASCII only (whose
	 * bytes are its UTF-8 text unchanged), without decoding it; {@code null} otherwise
	 * (then use {@link #packet(int)}). A new array each call.
	 */
	public byte @Nullable [] binaryOrAsciiBytes(int index) {
		Object packet = this.packets[index];
		if (packet != ScalarBodyReader.LAZY_STR && packet != ScalarBodyReader.LAZY_BIN) {
			return null;
		}
		int from = payloadOffset(this.blob, this.packetBounds[index]);
		int to = this.packetBounds[index + 1];
		if (packet == ScalarBodyReader.LAZY_STR) {
			for (int i = from; i < to; i++) {
				if (this.blob[i] < 0) {
					return null;
				}
			}
		}
		return Arrays.copyOfRange(this.blob, from, to);
	}

	/**
	 * Packet {@code index} as a node id (str, or bin as UTF-8), repeated ids sharing one
	 * String; null for other types.
	 */
	public @Nullable String nodeIdPacket(int index) {
		Object packet = this.packets[index];
		if (packet == ScalarBodyReader.LAZY_STR || packet == ScalarBodyReader.LAZY_BIN) {
			int offset = payloadOffset(this.blob, this.packetBounds[index]);
			return MessageCodec.nodeId(this.blob, offset, this.packetBounds[index + 1] - offset);
		}
		return MessageCodec.nodeIdText(packet);
	}

	/** The sub-flag (p0) if it is an integer in int range, else -1. */
	public int subFlag() {
		if (this.packets.length > 0 && this.packets[0] instanceof Long flag && flag >= 0 && flag <= Integer.MAX_VALUE) {
			return flag.intValue();
		}
		return -1;
	}

	/**
	 * Where the payload of the str or bin that starts at {@code start} begins (after its
	 * header).
	 */
	static int payloadOffset(byte[] blob, int start) {
		int head = blob[start] & 0xff;
		if ((head & 0xe0) == 0xa0) {
			return start + 1;
		}
		return switch (head) {
			case 0xd9, 0xc4 -> start + 2;
			case 0xda, 0xc5 -> start + 3;
			case 0xdb, 0xc6 -> start + 5;
			default -> throw new IllegalArgumentException("not a str or bin header: 0x" + Integer.toHexString(head));
		};
	}

	/** The msgpack bytes of packet {@code index}, exactly as they were on the wire. */
	public byte[] rawPacket(int index) {
		return Arrays.copyOfRange(this.blob, this.packetBounds[index], this.packetBounds[index + 1]);
	}

	/** The body's length in bytes (the blob without its checksum). */
	public int bodyLength() {
		return this.blob.length - CHECKSUM_LENGTH;
	}

	@Override
	public String toString() {
		return "WireMessage[type=" + this.msgType + ", sender=" + this.sender + ", time=" + this.time + ", packets="
				+ this.packets.length + ", subFlag=" + subFlag() + "]";
	}

	private final class PayloadView extends AbstractList<@Nullable Object> implements RandomAccess {

		@Override
		public @Nullable Object get(int index) {
			return packet(index);
		}

		@Override
		public int size() {
			return WireMessage.this.packets.length;
		}

	}

}
