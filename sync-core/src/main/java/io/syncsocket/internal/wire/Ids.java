package io.syncsocket.internal.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.UUID;

/**
 * Protocol ids and node ids (PROTOCOL.md §3.2–3.4). Stateless and thread-safe.
 */
public final class Ids {

	/** The protocol version that is part of every protocol id. */
	public static final String PROTOCOL_VERSION = "0.7";

	/**
	 * One random salt per process, like js2p's module-level user salt: sockets of one
	 * process still get different ids because their address and port differ.
	 */
	private static final String PROCESS_SALT = UUID.randomUUID().toString();

	private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> digest("SHA-256"));

	private static final ThreadLocal<MessageDigest> SHA384 = ThreadLocal.withInitial(() -> digest("SHA-384"));

	private Ids() {
	}

	/** {@code base58(SHA-256(subnet + encryption + "0.7"))}, PROTOCOL.md §3.2. */
	public static String protocolId(String subnet, String encryption) {
		Objects.requireNonNull(subnet, "'subnet' must not be null");
		Objects.requireNonNull(encryption, "'encryption' must not be null");
		byte[] hash = sha256((subnet + encryption + PROTOCOL_VERSION).getBytes(StandardCharsets.UTF_8));
		return Base58.encode(hash);
	}

	/**
	 * A node id in js2p's form (PROTOCOL.md §3.4):
	 * {@code base58(SHA-384("(" + host + ", " + port + ")" + protocolId + salt))}.
	 */
	public static String nodeId(String host, int port, String protocolId, String salt) {
		String preimage = "(" + host + ", " + port + ")" + protocolId + salt;
		return Base58.encode(sha384(preimage.getBytes(StandardCharsets.UTF_8)));
	}

	/** A node id with this process's random salt. */
	public static String nodeId(String host, int port, String protocolId) {
		return nodeId(host, port, protocolId, PROCESS_SALT);
	}

	public static byte[] sha256(byte[] data) {
		return sha256(data, 0, data.length);
	}

	public static byte[] sha256(byte[] data, int offset, int length) {
		MessageDigest md = SHA256.get();
		md.update(data, offset, length);
		return md.digest();
	}

	/**
	 * Writes SHA-256 of {@code data[offset, offset+length)} into
	 * {@code out[outOffset, outOffset+32)}.
	 */
	public static void sha256Into(byte[] data, int offset, int length, byte[] out, int outOffset) {
		MessageDigest md = SHA256.get();
		md.update(data, offset, length);
		try {
			md.digest(out, outOffset, 32);
		}
		catch (java.security.DigestException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Whether {@code blob[0, 32)} is the SHA-256 of {@code blob[32, length)}. */
	public static boolean checksumMatches(byte[] blob, int length) {
		if (length < 32) {
			return false;
		}
		MessageDigest md = SHA256.get();
		md.update(blob, 32, length - 32);
		byte[] actual = md.digest();
		int diff = 0;
		for (int i = 0; i < 32; i++) {
			diff |= actual[i] ^ blob[i];
		}
		return diff == 0;
	}

	public static byte[] sha384(byte[] data) {
		MessageDigest md = SHA384.get();
		return md.digest(data);
	}

	private static MessageDigest digest(String algorithm) {
		try {
			return MessageDigest.getInstance(algorithm);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(algorithm + " is required by the protocol", ex);
		}
	}

}
