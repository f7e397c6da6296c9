package io.syncsocket.internal.transport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Generates the throw-away key and self-signed certificate a node presents in compatible
 * TLS mode (what js2p does with node-forge at start-up): an EC P-256 key and an X.509 v3
 * certificate signed with SHA256withECDSA, subject and issuer {@code CN=syncsocket},
 * valid from a day ago for ten years, no extensions. Nobody verifies it; it only lets TLS
 * run.
 *
 * <p>
 * The certificate is DER-encoded here with public JDK APIs only: Netty's
 * {@code SelfSignedCertificate} needs BouncyCastle, or falls back to the JDK's internal
 * {@code sun.security.x509} classes (not exported, gone from newer JDKs) or to running
 * {@code keytool}, and writes the private key to temporary files. Stateless and
 * thread-safe.
 */
final class SelfSignedCertificates {

	/** ecdsa-with-SHA256, 1.2.840.10045.4.3.2. */
	private static final byte[] ECDSA_WITH_SHA256 = { 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02 };

	/** id-at-commonName, 2.5.4.3. */
	private static final byte[] COMMON_NAME = { 0x55, 0x04, 0x03 };

	private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

	private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

	private static final SecureRandom random = new SecureRandom();

	private SelfSignedCertificates() {
	}

	/** A fresh key and its self-signed certificate. */
	static KeyAndCertificate generate() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), random);
		KeyPair keys = generator.generateKeyPair();
		byte[] algorithm = sequence(tlv(0x06, ECDSA_WITH_SHA256));
		byte[] name = sequence(tlv(0x31,
				sequence(tlv(0x06, COMMON_NAME), tlv(0x0c, "syncsocket".getBytes(StandardCharsets.US_ASCII)))));
		Instant now = Instant.now();
		byte[] tbs = sequence(tlv(0xa0, tlv(0x02, new byte[] { 2 })), // [0] version v3
				tlv(0x02, new BigInteger(63, random).add(BigInteger.ONE).toByteArray()), algorithm, name,
				sequence(time(now.minus(Duration.ofDays(1))), time(now.plus(Duration.ofDays(3650)))), name,
				keys.getPublic().getEncoded());
		Signature signer = Signature.getInstance("SHA256withECDSA");
		signer.initSign(keys.getPrivate(), random);
		signer.update(tbs);
		byte[] signature = signer.sign();
		byte[] bitString = new byte[signature.length + 1]; // leading byte: no unused bits
		System.arraycopy(signature, 0, bitString, 1, signature.length);
		byte[] der = sequence(tbs, algorithm, tlv(0x03, bitString));
		X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(der));
		return new KeyAndCertificate(keys.getPrivate(), certificate);
	}

	/** UTCTime up to 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
	private static byte[] time(Instant instant) {
		ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
		return (utc.getYear() < 2050) ? tlv(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII))
				: tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] sequence(byte[]... elements) {
		ByteArrayOutputStream content = new ByteArrayOutputStream();
		for (byte[] element : elements) {
			content.writeBytes(element);
		}
		return tlv(0x30, content.toByteArray());
	}

	/** One DER element: tag, definite length, content. */
	private static byte[] tlv(int tag, byte[] content) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
		out.write(tag);
		int length = content.length;
		if (length < 0x80) {
			out.write(length);
		}
		else {
			int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
			out.write(0x80 | bytes);
			for (int i = bytes - 1; i >= 0; i--) {
				out.write(length >>> (8 * i));
			}
		}
		out.writeBytes(content);
		return out.toByteArray();
	}

	/** A private key and the certificate for its public key. */
	record KeyAndCertificate(PrivateKey key, X509Certificate certificate) {
	}

}
