package io.syncsocket;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test key material built in-process with public JDK APIs: a CA that issues node
 * certificates, and self-signed certificates nobody trusts. EC P-256 keys,
 * SHA256withECDSA, X.509 v3 (the CA with a critical basicConstraints CA:true), valid from
 * an hour ago for a day. Key stores are in-memory PKCS12 with the password
 * {@link #PASSWORD}.
 */
public final class TestPki {

	public static final char[] PASSWORD = "changeit".toCharArray();

	private static final SecureRandom random = new SecureRandom();

	private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final Identity ca;

	private TestPki(Identity ca) {
		this.ca = ca;
	}

	/** A new CA. */
	public static TestPki create(String caName) throws GeneralSecurityException {
		KeyPair keys = keyPair();
		X509Certificate certificate = certificate(caName, keys, caName, keys.getPrivate(), true);
		return new TestPki(new Identity(keys.getPrivate(), new X509Certificate[] { certificate }));
	}

	/** A node key with a certificate issued by this CA (chain: node, CA). */
	public Identity issue(String name) throws GeneralSecurityException {
		KeyPair keys = keyPair();
		X509Certificate certificate = certificate(name, keys, commonName(this.ca.chain()[0]), this.ca.key(), false);
		return new Identity(keys.getPrivate(), new X509Certificate[] { certificate, this.ca.chain()[0] });
	}

	/** A node key with a self-signed certificate that no {@link TestPki} trusts. */
	public static Identity selfSigned(String name) throws GeneralSecurityException {
		KeyPair keys = keyPair();
		return new Identity(keys.getPrivate(),
				new X509Certificate[] { certificate(name, keys, name, keys.getPrivate(), false) });
	}

	public X509Certificate caCertificate() {
		return this.ca.chain()[0];
	}

	/** Trust material that trusts exactly this CA. */
	public TrustManagerFactory trustManagerFactory() throws Exception {
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(trustStore());
		return factory;
	}

	public KeyStore trustStore() throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setCertificateEntry("ca", caCertificate());
		return store;
	}

	private static String commonName(X509Certificate certificate) {
		return certificate.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
	}

	private static KeyPair keyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), random);
		return generator.generateKeyPair();
	}

	private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey,
			boolean ca) throws GeneralSecurityException {
		byte[] algorithm = der(0x30, der(0x06, hex("2a8648ce3d040302"))); // ecdsa-with-SHA256
		Instant now = Instant.now();
		byte[] validity = der(0x30, utc(now.minus(Duration.ofHours(1))), utc(now.plus(Duration.ofDays(1))));
		byte[] extensions = new byte[0];
		if (ca) {
			// [3] { SEQUENCE { SEQUENCE { basicConstraints, critical, OCTET STRING {
			// SEQUENCE { TRUE } } } } }
			byte[] basicConstraints = der(0x30, der(0x06, hex("551d13")), der(0x01, new byte[] { (byte) 0xff }),
					der(0x04, der(0x30, der(0x01, new byte[] { (byte) 0xff }))));
			extensions = der(0xa3, der(0x30, basicConstraints));
		}
		byte[] tbs = der(0x30, der(0xa0, der(0x02, new byte[] { 2 })),
				der(0x02, new BigInteger(63, random).add(BigInteger.ONE).toByteArray()), algorithm, name(issuer),
				validity, name(subject), subjectKeys.getPublic().getEncoded(), extensions);
		Signature signer = Signature.getInstance("SHA256withECDSA");
		signer.initSign(issuerKey, random);
		signer.update(tbs);
		byte[] signature = signer.sign();
		byte[] bits = new byte[signature.length + 1];
		System.arraycopy(signature, 0, bits, 1, signature.length);
		byte[] encoded = der(0x30, tbs, algorithm, der(0x03, bits));
		return (X509Certificate) CertificateFactory.getInstance("X.509")
			.generateCertificate(new ByteArrayInputStream(encoded));
	}

	private static byte[] name(String commonName) {
		return der(0x30,
				der(0x31, der(0x30, der(0x06, hex("550403")), der(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
	}

	private static byte[] utc(Instant instant) {
		return der(0x17, UTC_TIME.format(instant).getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] hex(String hex) {
		return java.util.HexFormat.of().parseHex(hex);
	}

	private static byte[] der(int tag, byte[]... contents) {
		ByteArrayOutputStream content = new ByteArrayOutputStream();
		for (byte[] part : contents) {
			content.writeBytes(part);
		}
		int length = content.size();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(tag);
		if (length < 0x80) {
			out.write(length);
		}
		else if (length < 0x100) {
			out.write(0x81);
			out.write(length);
		}
		else {
			out.write(0x82);
			out.write(length >>> 8);
			out.write(length);
		}
		out.writeBytes(content.toByteArray());
		return out.toByteArray();
	}

	/** A private key and its certificate chain (leaf first). */
	public record Identity(PrivateKey key, X509Certificate[] chain) {

		public KeyStore keyStore() throws Exception {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			store.setKeyEntry("node", this.key, PASSWORD, this.chain);
			return store;
		}

		public KeyManagerFactory keyManagerFactory() throws Exception {
			KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			factory.init(keyStore(), PASSWORD);
			return factory;
		}

	}

}
