package io.syncsocket.internal.wire;

import java.math.BigInteger;
import java.util.Objects;

/**
 * base58 of unsigned integers in the Bitcoin alphabet, as p2p-today uses it (PROTOCOL.md
 * §3.1).
 *
 * <p>
 * Unlike Bitcoin's base58check there is no leading-zero-byte handling: a hash is first
 * read as an unsigned big-endian integer, so leading zero bytes vanish, and zero encodes
 * as {@code "1"}. Stateless and thread-safe.
 */
public final class Base58 {

	static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

	private static final BigInteger BASE = BigInteger.valueOf(58);

	private static final int[] INDEXES = new int[128];

	static {
		java.util.Arrays.fill(INDEXES, -1);
		for (int i = 0; i < ALPHABET.length(); i++) {
			INDEXES[ALPHABET.charAt(i)] = i;
		}
	}

	private Base58() {
	}

	/** Encodes a non-negative integer. */
	public static String encode(BigInteger value) {
		Objects.requireNonNull(value, "'value' must not be null");
		if (value.signum() < 0) {
			throw new IllegalArgumentException("value: " + value + " (expected: >= 0)");
		}
		if (value.signum() == 0) {
			return "1";
		}
		StringBuilder digits = new StringBuilder();
		BigInteger x = value;
		while (x.signum() > 0) {
			BigInteger[] qr = x.divideAndRemainder(BASE);
			digits.append(ALPHABET.charAt(qr[1].intValue()));
			x = qr[0];
		}
		return digits.reverse().toString();
	}

	/** Encodes bytes read as one unsigned big-endian integer (how hashes become ids). */
	public static String encode(byte[] unsignedBigEndian) {
		return encode(new BigInteger(1, unsignedBigEndian));
	}

	/** Decodes base58 text into the integer it denotes. */
	public static BigInteger decode(String text) {
		Objects.requireNonNull(text, "'text' must not be null");
		if (text.isEmpty()) {
			throw new IllegalArgumentException("text: empty (expected: base58 digits)");
		}
		BigInteger x = BigInteger.ZERO;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			int digit = (c < 128) ? INDEXES[c] : -1;
			if (digit < 0) {
				throw new IllegalArgumentException("text: '" + text + "' (not base58 at index " + i + ")");
			}
			x = x.multiply(BASE).add(BigInteger.valueOf(digit));
		}
		return x;
	}

}
