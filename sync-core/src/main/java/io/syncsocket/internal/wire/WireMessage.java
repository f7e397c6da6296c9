package io.syncsocket.internal.wire;

import java.util.Arrays;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One decoded message (PROTOCOL.md §2): {@code [msg_type, sender, time, p0, ..., pk]}.
 *
 * <p>Keeps the verified blob ({@code checksum || body}, uncompressed) exactly as the author
 * encoded it, so a broadcast can be relayed byte for byte and a stored value can be re-sent
 * with its original msgpack encoding ({@link #rawPacket(int)}). Immutable once built; the
 * blob must not be modified by anyone.
 */
public final class WireMessage {

	/** Size of the SHA-256 checksum that starts every blob; also the message id. */
	public static final int CHECKSUM_LENGTH = 32;

	private final byte[] blob;

	private final int msgType;

	private final String sender;

	private final long time;

	private final List<@Nullable Object> payload;

	private final int[] packetBounds;

	WireMessage(byte[] blob, int msgType, String sender, long time, List<@Nullable Object> payload, int[] packetBounds) {
		this.blob = blob;
		this.msgType = msgType;
		this.sender = sender;
		this.time = time;
		this.payload = payload;
		this.packetBounds = packetBounds;
	}

	/** The blob as authored: 32-byte SHA-256 of the body, then the msgpack body. Do not modify. */
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

	/** The decoded packets {@code p0 .. pk}; p0 is the sub-flag. May be empty. */
	public List<@Nullable Object> payload() {
		return this.payload;
	}

	/** Number of packets (payload elements, sub-flag included). */
	public int packetCount() {
		return this.payload.size();
	}

	public @Nullable Object packet(int index) {
		return this.payload.get(index);
	}

	/** The sub-flag (p0) if it is an integer in int range, else -1. */
	public int subFlag() {
		if (!this.payload.isEmpty() && this.payload.get(0) instanceof Long flag && flag >= 0 && flag <= Integer.MAX_VALUE) {
			return flag.intValue();
		}
		return -1;
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
				+ this.payload.size() + ", subFlag=" + subFlag() + "]";
	}

}
