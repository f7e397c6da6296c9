package io.syncsocket.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.syncsocket.MeshSocket;
import io.syncsocket.SyncSocket;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link SyncSocketLifecycle}: what the sockets leave behind when the context closes, or
 * fails to start, and how they come back after a stop. The context cache of a test suite
 * (pause and restart across test classes) is in {@link SyncSocketContextCacheTests}.
 */
class SyncSocketLifecycleTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SyncSocketAutoConfiguration.class))
		.withPropertyValues("sync.port=0");

	@Test
	void closingTheContextShouldCloseTheSocketFreeThePortAndEndItsThreads() throws IOException {
		AtomicReference<SyncSocket> socketRef = new AtomicReference<>();
		AtomicInteger port = new AtomicInteger();
		this.contextRunner.withPropertyValues("sync.sockets.lifecycle-close.port=0").run((context) -> {
			SyncSocket socket = context.getBean("lifecycle-close", SyncSocket.class);
			socketRef.set(socket);
			port.set(socket.boundAddress().getPort());
			socket.set("k", "v"); // makes the event dispatcher start its thread
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(threadsNamed("sync-lifecycle-close-"))
					.contains("sync-lifecycle-close-node", "sync-lifecycle-close-events"));
			assertThat(threadsNamed("sync-lifecycle-close-io-")).isNotEmpty();
		});
		assertThat(socketRef.get().state()).isEqualTo(MeshSocket.State.CLOSED);
		try (ServerSocket rebound = new ServerSocket()) {
			rebound.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port.get()));
			assertThat(rebound.getLocalPort()).isEqualTo(port.get());
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(threadsNamed("sync-lifecycle-close-")).isEmpty());
	}

	@Test
	void stopShouldBeIdempotentAndCloseEverySocket() {
		this.contextRunner.withPropertyValues("sync.sockets.a.port=0", "sync.sockets.b.port=0").run((context) -> {
			SyncSocketLifecycle lifecycle = context.getBean(SyncSocketLifecycle.class);
			lifecycle.stop();
			assertThat(lifecycle.isRunning()).isFalse();
			assertThat(context.getBean("a", SyncSocket.class).state()).isEqualTo(MeshSocket.State.CLOSED);
			assertThat(context.getBean("b", SyncSocket.class).state()).isEqualTo(MeshSocket.State.CLOSED);
			lifecycle.stop();
		});
	}

	@Test
	void startAfterStopShouldStartTheSameSocketsAgain() {
		this.contextRunner.withPropertyValues("sync.sockets.a.port=0", "sync.sockets.b.port=0").run((context) -> {
			SyncSocketLifecycle lifecycle = context.getBean(SyncSocketLifecycle.class);
			SyncSocket a = context.getBean("a", SyncSocket.class);
			SyncSocket b = context.getBean("b", SyncSocket.class);
			lifecycle.stop();
			lifecycle.start();
			assertThat(lifecycle.isRunning()).isTrue();
			assertThat(a.state()).isEqualTo(MeshSocket.State.RUNNING);
			assertThat(b.state()).isEqualTo(MeshSocket.State.RUNNING);
			a.connect("127.0.0.1", b.boundAddress().getPort());
			a.set("k", "v");
			await().atMost(Duration.ofSeconds(5)).until(() -> "v".equals(b.get("k")));
		});
	}

	@Test
	void isRunningShouldBeFalseOnceASocketIsClosed() {
		this.contextRunner.withPropertyValues("sync.sockets.a.port=0", "sync.sockets.b.port=0").run((context) -> {
			SyncSocketLifecycle lifecycle = context.getBean(SyncSocketLifecycle.class);
			assertThat(lifecycle.isRunning()).isTrue();
			context.getBean("b", SyncSocket.class).close();
			assertThat(lifecycle.isRunning()).isFalse();
			lifecycle.start();
			assertThat(lifecycle.isRunning()).isTrue();
			assertThat(context.getBean("b", SyncSocket.class).state()).isEqualTo(MeshSocket.State.RUNNING);
		});
	}

	@Test
	void shouldNotBePauseable() {
		this.contextRunner.run((context) -> {
			SyncSocket socket = context.getBean(SyncSocket.class);
			assertThat(context.getBean(SyncSocketLifecycle.class).isPauseable()).isFalse();
			context.pause();
			assertThat(socket.state()).isEqualTo(MeshSocket.State.RUNNING);
			context.restart();
			assertThat(socket.state()).isEqualTo(MeshSocket.State.RUNNING);
		});
	}

	@Test
	void failedStartShouldCloseTheSocketsAlreadyStarted() throws IOException {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			this.contextRunner
				.withPropertyValues("sync.sockets.lifecycle-ok.port=0",
						"sync.sockets.lifecycle-taken.port=" + taken.getLocalPort())
				.run((context) -> assertThat(context).hasFailed());
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(threadsNamed("sync-lifecycle-")).isEmpty());
	}

	private static List<String> threadsNamed(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(prefix))
			.toList();
	}

}
