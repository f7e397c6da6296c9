package io.syncsocket.testkit;

/**
 * The value every benchmark writes: {@code size} printable ASCII characters from a fixed
 * pseudo-random sequence, so that a value does not compress to nothing (zlib gains little
 * on it, as on real data of that size). {@code interop/js2p/driver.js} builds the same
 * string.
 */
public final class Values {

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	private Values() {
	}

	/** The benchmark value of {@code size} characters (as many UTF-8 bytes). */
	public static String value(int size) {
		StringBuilder value = new StringBuilder(size);
		long state = 0x4F6CDD1DL;
		for (int i = 0; i < size; i++) {
			// 32-bit LCG (Numerical Recipes), easy to reproduce in JavaScript
			state = (state * 1664525L + 1013904223L) & 0xFFFFFFFFL;
			value.append(ALPHABET.charAt((int) (state >>> 26)));
		}
		return value.toString();
	}

}
