package io.syncsocket.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import io.syncsocket.LinkFault;
import io.syncsocket.Protocol;
import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;
import io.syncsocket.TlsOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS from {@code sync.protocol.encryption=SSL} and {@code sync.ssl.*}: a socket
 * configured with a Spring Boot SSL bundle joins a verified (mutual TLS) node, compatible
 * mode is the default without a bundle, named sockets inherit the settings, and every
 * inconsistent combination fails start-up naming the property. The key stores are made
 * with the JDK's {@code keytool}, exactly as the README's security section shows.
 */
class SyncSocketSslTests {

	private static final String PASSWORD = "changeit";

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	static Path keys;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, SyncSocketAutoConfiguration.class))
		.withPropertyValues("sync.port=0", "sync.max-outgoing=0");

	private final List<SyncSocket> sockets = new ArrayList<>();

	@BeforeAll
	static void createKeyStores() throws Exception {
		keytool("-genkeypair", "-alias", "ca", "-dname", "CN=mesh-ca", "-keyalg", "EC", "-groupname", "secp256r1",
				"-ext", "bc:c", "-validity", "2", "-keystore", "ca.p12");
		keytool("-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-rfc", "-file", "ca.pem");
		keytool("-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.p12", "-noprompt");
		for (String node : List.of("node-a", "node-b")) {
			keytool("-genkeypair", "-alias", "node", "-dname", "CN=" + node, "-keyalg", "EC", "-groupname", "secp256r1",
					"-validity", "2", "-keystore", node + ".p12");
			keytool("-certreq", "-alias", "node", "-keystore", node + ".p12", "-file", node + ".csr");
			keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", node + ".csr", "-outfile",
					node + ".pem", "-rfc", "-validity", "2", "-ext", "eku=serverAuth,clientAuth");
			keytool("-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", node + ".p12", "-noprompt");
			keytool("-importcert", "-alias", "node", "-file", node + ".pem", "-keystore", node + ".p12");
		}
	}

	@AfterEach
	void closeSockets() {
		this.sockets.forEach(SyncSocket::close);
	}

	@Test
	void sslBundleShouldJoinAVerifiedNode() throws Exception {
		SyncSocket b = startVerifiedNodeB();
		this.contextRunner.withPropertyValues(bundle("mesh", "node-a"))
			.withPropertyValues("sync.protocol.encryption=SSL", "sync.ssl.bundle=mesh",
					"sync.seeds=127.0.0.1:" + b.boundAddress().getPort())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SyncSocket a = context.getBean(SyncSocket.class);
				assertThat(a.options().tls().mode()).isEqualTo(TlsOptions.Mode.VERIFIED);
				assertThat(a.protocol()).isEqualTo(new Protocol("sync1", Protocol.SSL));
				await().atMost(WAIT).until(() -> b.peers().stream().anyMatch((peer) -> peer.id().equals(a.id())));
				a.set("from-spring", "over mutual TLS");
				await().atMost(WAIT).until(() -> "over mutual TLS".equals(b.get("from-spring")));
				assertThat(a.stats().linkErrors()).isZero();
				assertThat(b.stats().linkErrors()).isZero();
			});
	}

	@Test
	void compatibleModeShouldPresentTheBundlesCertificateWithoutVerifyingPeers() throws Exception {
		SyncSocket b = startVerifiedNodeB();
		// compatible presents node-a's (trusted) certificate but verifies nobody: b
		// accepts it
		this.contextRunner.withPropertyValues(bundle("mesh", "node-a"))
			.withPropertyValues("sync.protocol.encryption=SSL", "sync.ssl.bundle=mesh", "sync.ssl.mode=compatible",
					"sync.seeds=127.0.0.1:" + b.boundAddress().getPort())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SyncSocket a = context.getBean(SyncSocket.class);
				assertThat(a.options().tls().mode()).isEqualTo(TlsOptions.Mode.COMPATIBLE);
				assertThat(a.options().tls().keyManagerFactory()).isNotNull();
				await().atMost(WAIT).until(() -> b.peers().stream().anyMatch((peer) -> peer.id().equals(a.id())));
			});
	}

	@Test
	void sslWithoutABundleShouldUseCompatibleModeWhichAVerifiedNodeRefuses() throws Exception {
		SyncSocket b = startVerifiedNodeB();
		this.contextRunner
			.withPropertyValues("sync.protocol.encryption=SSL", "sync.seeds=127.0.0.1:" + b.boundAddress().getPort(),
					"sync.seed-retry.initial=10s", "sync.seed-retry.max=10s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SyncSocket a = context.getBean(SyncSocket.class);
				assertThat(a.options().tls()).isSameAs(TlsOptions.compatible());
				await().atMost(WAIT).until(() -> b.stats().faults(LinkFault.TLS_HANDSHAKE_FAILED) >= 1);
				assertThat(b.peers()).isEmpty();
			});
	}

	@Test
	void namedSocketsShouldInheritTheSslSettings() {
		this.contextRunner.withPropertyValues(bundle("mesh", "node-a"))
			.withPropertyValues("sync.protocol.encryption=SSL", "sync.ssl.bundle=mesh", "sync.sockets.one.port=0",
					"sync.sockets.two.port=0", "sync.sockets.two.ssl.mode=compatible")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean("one", SyncSocket.class).options().tls().mode())
					.isEqualTo(TlsOptions.Mode.VERIFIED);
				assertThat(context.getBean("two", SyncSocket.class).options().tls().mode())
					.isEqualTo(TlsOptions.Mode.COMPATIBLE);
			});
	}

	@Test
	void unknownBundleShouldFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues(bundle("mesh", "node-a"))
			.withPropertyValues("sync.protocol.encryption=SSL", "sync.ssl.bundle=other")
			.run((context) -> assertFailureNames(context.getStartupFailure(), "sync.ssl.bundle",
					"no SSL bundle named 'other'"));
	}

	@Test
	void bundleWithPlaintextEncryptionShouldFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues(bundle("mesh", "node-a"))
			.withPropertyValues("sync.ssl.bundle=mesh")
			.run((context) -> assertFailureNames(context.getStartupFailure(), "sync.ssl.bundle",
					"sync.protocol.encryption=SSL"));
	}

	@Test
	void verifiedModeWithoutABundleShouldFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("sync.protocol.encryption=SSL", "sync.ssl.mode=verified")
			.run((context) -> assertFailureNames(context.getStartupFailure(), "sync.ssl.mode", "sync.ssl.bundle"));
	}

	@Test
	void verifiedBundleWithoutATrustStoreShouldFailStartupNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.jks.keyonly.keystore.location=" + keys.resolve("node-a.p12").toUri(),
					"spring.ssl.bundle.jks.keyonly.keystore.password=" + PASSWORD,
					"spring.ssl.bundle.jks.keyonly.key.alias=node")
			.withPropertyValues("sync.protocol.encryption=SSL", "sync.sockets.n.ssl.bundle=keyonly")
			.run((context) -> assertFailureNames(context.getStartupFailure(), "sync.sockets.n.ssl.bundle",
					"no trust store"));
	}

	@Test
	void badModeShouldFailStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("sync.protocol.encryption=SSL", "sync.ssl.mode=strict").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(messages(context.getStartupFailure())).anyMatch((message) -> message.contains("sync.ssl.mode"));
		});
	}

	private static void assertFailureNames(Throwable failure, String property, String reason) {
		assertThat(failure).as("start-up failure").isNotNull();
		List<InvalidConfigurationPropertyValueException> invalid = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidConfigurationPropertyValueException exception) {
				invalid.add(exception);
			}
		}
		assertThat(invalid).as("InvalidConfigurationPropertyValueException in %s", failure).hasSize(1);
		assertThat(invalid.get(0).getName()).isEqualTo(property);
		assertThat(invalid.get(0).getMessage()).contains(reason);
		assertThat(SyncSocketPropertiesTests.analyze(failure).getDescription()).contains(property);
	}

	private static List<String> messages(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.add(String.valueOf(cause.getMessage()));
		}
		return messages;
	}

	/**
	 * A PKCS12 bundle named {@code name} with a node's key store and the CA trust store.
	 */
	private static String[] bundle(String name, String node) {
		String prefix = "spring.ssl.bundle.jks." + name + ".";
		return new String[] { prefix + "keystore.location=" + keys.resolve(node + ".p12").toUri(),
				prefix + "keystore.password=" + PASSWORD, prefix + "key.alias=node",
				prefix + "truststore.location=" + keys.resolve("trust.p12").toUri(),
				prefix + "truststore.password=" + PASSWORD };
	}

	/** A plain-Java verified node with node-b's key store. */
	private SyncSocket startVerifiedNodeB() throws Exception {
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(load("node-b.p12"), PASSWORD.toCharArray());
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(load("trust.p12"));
		SyncSocket socket = new SyncSocket(SyncOptions.builder()
			.mesh((mesh) -> mesh.protocol(new Protocol(SyncOptions.DEFAULT_SUBNET, Protocol.SSL))
				.tls(TlsOptions.verified(keyManagers, trustManagers).build())
				.maxOutgoing(0))
			.build());
		this.sockets.add(socket);
		return socket.start();
	}

	private static KeyStore load(String file) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keys.resolve(file))) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	/**
	 * Runs the JDK's keytool in the key directory with the common store password; fails
	 * on a non-zero exit.
	 */
	private static void keytool(String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(args));
		command.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
		Process process = new ProcessBuilder(command).directory(keys.toFile()).redirectErrorStream(true).start();
		process.getOutputStream().close();
		boolean exited = process.waitFor(60, TimeUnit.SECONDS);
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!exited) {
			process.destroyForcibly();
		}
		assertThat(exited && process.exitValue() == 0).as("keytool %s: %s", String.join(" ", args), output).isTrue();
	}

}
