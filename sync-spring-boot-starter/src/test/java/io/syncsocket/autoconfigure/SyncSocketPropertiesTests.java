package io.syncsocket.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.syncsocket.DeletePolicy;
import io.syncsocket.Leasing;
import io.syncsocket.MeshOptions;
import io.syncsocket.MeshSocket;
import io.syncsocket.Protocol;
import io.syncsocket.SyncSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding of every {@code sync.*} property onto the created sockets, and start-up
 * failures that name the offending property.
 */
class SyncSocketPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncSocketAutoConfiguration.class))
		.withPropertyValues("sync.port=0");

	@Test
	void everyPropertyShouldBeBound() throws IOException {
		int seed1 = closedPort();
		int seed2 = closedPort();
		this.contextRunner
			.withPropertyValues("sync.addr=127.0.0.1", "sync.port=0", "sync.out-addr=node.example.com:4444",
					"sync.leasing=js2p-default", "sync.protocol.subnet=chat", "sync.protocol.encryption=Plaintext",
					"sync.seeds=127.0.0.1:" + seed1 + ",127.0.0.1:" + seed2, "sync.seed-retry.initial=2s",
					"sync.seed-retry.max=7s", "sync.debug-level=0", "sync.node-id=node-under-test",
					"sync.max-frame-length=2MB", "sync.max-outgoing=7", "sync.handshake-timeout=11s",
					"sync.stall-timeout=12s", "sync.connect-timeout=3s", "sync.peer-request-delay=1500ms",
					"sync.operation-timeout=9s", "sync.user-queue-capacity=123", "sync.io-threads=1",
					"sync.native-transport=false", "sync.compression-threshold=2KB", "sync.delete-policy=never",
					"sync.tombstone-retention=2h")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SyncSocket socket = context.getBean(SyncSocket.class);
				assertThat(socket.state()).isEqualTo(MeshSocket.State.RUNNING);
				MeshOptions options = socket.options();
				assertThat(options.bindAddress()).isEqualTo("127.0.0.1");
				assertThat(options.port()).isZero();
				assertThat(options.outHost()).isEqualTo("node.example.com");
				assertThat(options.outPort()).isEqualTo(4444);
				assertThat(socket.advertisedAddress().getHostString()).isEqualTo("node.example.com");
				assertThat(socket.advertisedAddress().getPort()).isEqualTo(4444);
				assertThat(options.protocol()).isEqualTo(Protocol.of("chat"));
				assertThat(socket.protocol()).isEqualTo(new Protocol("chat1", Protocol.PLAINTEXT));
				assertThat(socket.protocolId()).isEqualTo(Protocol.of("chat1").id());
				assertThat(options.seeds()).containsExactly(InetSocketAddress.createUnresolved("127.0.0.1", seed1),
						InetSocketAddress.createUnresolved("127.0.0.1", seed2));
				assertThat(options.seeding().retryInitial()).isEqualTo(Duration.ofSeconds(2));
				assertThat(options.seeding().retryMax()).isEqualTo(Duration.ofSeconds(7));
				assertThat(options.nodeId()).isEqualTo("node-under-test");
				assertThat(socket.id()).isEqualTo("node-under-test");
				assertThat(options.limits().maxFrameLength()).isEqualTo(2 * 1024 * 1024);
				assertThat(options.maxOutgoing()).isEqualTo(7);
				assertThat(options.timeouts().handshake()).isEqualTo(Duration.ofSeconds(11));
				assertThat(options.timeouts().stall()).isEqualTo(Duration.ofSeconds(12));
				assertThat(options.timeouts().connect()).isEqualTo(Duration.ofSeconds(3));
				assertThat(options.timeouts().peerRequestDelay()).isEqualTo(Duration.ofMillis(1500));
				assertThat(options.timeouts().operation()).isEqualTo(Duration.ofSeconds(9));
				assertThat(options.limits().userQueueCapacity()).isEqualTo(123);
				assertThat(options.threads().ioThreads()).isEqualTo(1);
				assertThat(options.threads().nativeTransport()).isFalse();
				assertThat(options.compression().threshold()).isEqualTo(2048);
				assertThat(socket.leasing()).isEqualTo(Leasing.JS2P_DEFAULT);
				assertThat(socket.syncOptions().deletePolicy()).isEqualTo(DeletePolicy.NEVER);
				assertThat(socket.syncOptions().tombstoneRetention()).isEqualTo(Duration.ofHours(2));
			});
	}

	@Test
	void namedSocketValuesShouldWinOverTopLevelOnes() {
		this.contextRunner
			.withPropertyValues("sync.protocol.subnet=chat", "sync.node-id=top", "sync.max-frame-length=2MB",
					"sync.seed-retry.max=40s", "sync.sockets.a.port=0", "sync.sockets.a.protocol.encryption=Plaintext",
					"sync.sockets.a.node-id=node-a", "sync.sockets.a.seed-retry.initial=3s",
					"sync.sockets.a.delete-policy=always", "sync.sockets.a.tombstone-retention=1h")
			.run((context) -> {
				SyncSocket a = context.getBean("a", SyncSocket.class);
				// the named encryption is combined with the inherited subnet
				assertThat(a.options().protocol()).isEqualTo(Protocol.of("chat"));
				assertThat(a.id()).isEqualTo("node-a");
				assertThat(a.options().limits().maxFrameLength()).isEqualTo(2 * 1024 * 1024);
				assertThat(a.options().seeding().retryInitial()).isEqualTo(Duration.ofSeconds(3));
				assertThat(a.options().seeding().retryMax()).isEqualTo(Duration.ofSeconds(40));
				assertThat(a.syncOptions().deletePolicy()).isEqualTo(DeletePolicy.ALWAYS);
				assertThat(a.syncOptions().tombstoneRetention()).isEqualTo(Duration.ofHours(1));
			});
	}

	@ParameterizedTest(name = "sync.leasing={0}")
	@CsvSource({ "on, ON, sync1", "off, OFF, sync0", "js2p-default, JS2P_DEFAULT, sync1", "true, ON, sync1",
			"false, OFF, sync0", "OFF, OFF, sync0", "JS2P_DEFAULT, JS2P_DEFAULT, sync1" })
	void leasingShouldAcceptEveryDocumentedSpelling(String value, Leasing expected, String subnet) {
		this.contextRunner.withPropertyValues("sync.leasing=" + value).run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			assertThat(socket.leasing()).isEqualTo(expected);
			assertThat(socket.protocol().subnet()).isEqualTo(subnet);
		});
	}

	@ParameterizedTest(name = "leasing: {0}")
	@CsvSource({ "on, ON", "off, OFF", "true, ON", "false, OFF", "js2p-default, JS2P_DEFAULT", "yes, ON", "no, OFF" })
	void leasingShouldAcceptYamlBooleans(String value, Leasing expected) {
		// YAML 1.1 reads on/off/yes/no as booleans
		String yaml = "sync:\n  port: 0\n  leasing: " + value + "\n  sockets:\n    a:\n      leasing: " + value + "\n";
		this.contextRunner.withInitializer((context) -> addYaml(context.getEnvironment(), yaml)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("a", SyncSocket.class).leasing()).isEqualTo(expected);
			assertThat(context.getBean(SyncSocketProperties.class).getLeasing()).isEqualTo(expected);
		});
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', value = { "sync.port | 70000 | sync.port", "sync.port | abc | sync.port",
			"sync.addr | '' | sync.addr", "sync.seeds | nohostport | sync.seeds",
			"sync.seeds | 127.0.0.1:0 | sync.seeds", "sync.out-addr | 0.0.0.0:1 | sync.out-addr",
			"sync.out-addr | example.com | sync.out-addr", "sync.protocol.encryption | TLS | sync.protocol.encryption",
			"sync.max-outgoing | -1 | sync.max-outgoing", "sync.handshake-timeout | 0s | sync.handshake-timeout",
			"sync.stall-timeout | -1s | sync.stall-timeout", "sync.connect-timeout | 0ms | sync.connect-timeout",
			"sync.peer-request-delay | 0s | sync.peer-request-delay",
			"sync.operation-timeout | 0s | sync.operation-timeout", "sync.leasing | maybe | sync.leasing",
			"sync.delete-policy | sometimes | sync.delete-policy",
			"sync.max-frame-length | 512B | sync.max-frame-length",
			"sync.max-frame-length | 4GB | sync.max-frame-length",
			"sync.max-frame-length | big | sync.max-frame-length",
			"sync.user-queue-capacity | 0 | sync.user-queue-capacity", "sync.io-threads | 0 | sync.io-threads",
			"sync.debug-level | -1 | sync.debug-level", "sync.tombstone-retention | 500ms | sync.tombstone-retention",
			"sync.seed-retry.initial | 0s | sync.seed-retry.initial",
			"sync.seed-retry.initial | 1m | sync.seed-retry.initial",
			"sync.seed-retry.max | 500ms | sync.seed-retry.max", "sync.sockets.a.port | -5 | sync.sockets.a.port",
			"sync.sockets.a.port | abc | sync.sockets.a.port",
			"sync.sockets.a.seeds | nohostport | sync.sockets.a.seeds",
			"sync.sockets.a.leasing | maybe | sync.sockets.a.leasing" })
	void invalidValueShouldFailStartupNamingTheProperty(String property, String value, String expectedName) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(messages(failure)).as("messages of the cause chain")
				.anyMatch((message) -> message.contains(expectedName));
			assertThat(namedProperties(failure)).as("property named by the binding or validation exception")
				.contains(expectedName);
			FailureAnalysis analysis = analyze(failure);
			assertThat(analysis).as("failure analysis").isNotNull();
			assertThat(analysis.getDescription()).contains(expectedName);
		});
	}

	@ParameterizedTest
	@CsvSource({ "sync.health.unconnected-status, DOWN, management.health.sync.unconnected-status",
			"sync.endpoint.max-keys, 5, management.endpoint.sync.max-keys" })
	void movedPropertyShouldFailStartupNamingItsNewName(String property, String value, String replacement) {
		this.contextRunner.withPropertyValues(property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis).as("failure analysis").isNotNull();
			assertThat(analysis.getDescription()).contains(property).contains(replacement);
		});
	}

	@Test
	void portInUseShouldFailStartupNamingTheProperties() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			String address = "127.0.0.1:" + taken.getLocalPort();
			this.contextRunner.withPropertyValues("sync.port=" + taken.getLocalPort()).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(messages(context.getStartupFailure()))
					.anyMatch((message) -> message.contains("sync.port") && message.contains("'default'"));
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis).as("failure analysis").isNotNull();
				assertThat(analysis.getDescription()).isEqualTo(
						"Sync socket 'default' could not listen on " + address + ": the port is already in use.");
				assertThat(analysis.getAction()).startsWith("Stop the process that listens on " + address)
					.contains("set sync.port to a free port");
			});
			this.contextRunner
				.withPropertyValues("sync.sockets.free.port=0", "sync.sockets.taken.port=" + taken.getLocalPort())
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(messages(context.getStartupFailure()))
						.anyMatch((message) -> message.contains("sync.sockets.taken."));
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("Sync socket 'taken'");
					assertThat(analysis.getAction()).contains("sync.sockets.taken.port");
				});
		}
	}

	private static void addYaml(org.springframework.core.env.ConfigurableEnvironment environment, String yaml) {
		try {
			List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("test-yaml",
					new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
			sources.forEach(environment.getPropertySources()::addFirst);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static List<String> messages(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.add(String.valueOf(cause.getMessage()));
		}
		return messages;
	}

	/**
	 * The property names carried by binding and validation exceptions in the cause chain.
	 */
	private static List<String> namedProperties(Throwable failure) {
		List<String> names = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof InvalidConfigurationPropertyValueException invalid) {
				names.add(invalid.getName());
			}
			if (cause instanceof BindException bind) {
				names.add(bind.getName().toString());
				if (bind.getProperty() != null) {
					names.add(bind.getProperty().getName().toString());
				}
			}
		}
		return names;
	}

	/**
	 * Runs Spring Boot's failure analyzers, as SpringApplication does when start-up
	 * fails.
	 */
	static FailureAnalysis analyze(Throwable failure) {
		ArgumentResolver arguments = ArgumentResolver.of(Environment.class, new StandardEnvironment())
			.and(BeanFactory.class, new DefaultListableBeanFactory());
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class, arguments, FailureHandler.handleMessage((message, ex) -> {
			}));
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		return null;
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}
