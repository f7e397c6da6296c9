package io.syncsocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.syncsocket.internal.mesh.Connection;
import io.syncsocket.internal.mesh.MeshExtension;
import io.syncsocket.internal.mesh.MeshNode;
import io.syncsocket.internal.wire.WireMessage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link MeshSocket} and {@link SyncSocket} lifecycle: a close racing a start, and a
 * start after a close.
 */
class MeshSocketLifecycleTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<MeshSocket> sockets = new ArrayList<>();

	@AfterEach
	void closeSockets() {
		this.sockets.forEach(MeshSocket::close);
	}

	private static MeshOptions options(String name) {
		return MeshOptions.builder().name(name).bindAddress("127.0.0.1").port(0).build();
	}

	private <S extends MeshSocket> S track(S socket) {
		this.sockets.add(socket);
		return socket;
	}

	@Test
	void closeFromTheStartingThreadShouldWinOverStart() {
		HookedSocket socket = track(new HookedSocket(options("lifecycle-self-close"), MeshSocket::close));
		assertThatExceptionOfType(SocketClosedException.class).isThrownBy(socket::start)
			.withMessageContaining("closed while starting");
		assertThat(socket.state()).isEqualTo(MeshSocket.State.CLOSED);
		assertThatExceptionOfType(SocketClosedException.class).isThrownBy(socket::id);
		await().atMost(WAIT).untilAsserted(() -> assertThat(threadsNamed("lifecycle-self-close-")).isEmpty());
	}

	@Test
	void closeFromAnotherThreadWhileStartingShouldWinAndWaitForTheStartToGiveUp() throws Exception {
		CountDownLatch starting = new CountDownLatch(1);
		CompletableFuture<Void> closer = new CompletableFuture<>();
		// start() pauses after binding until the close has either taken effect or
		// returned
		HookedSocket socket = track(new HookedSocket(options("lifecycle-race"), (self) -> {
			starting.countDown();
			await().atMost(WAIT).until(() -> closer.isDone() || self.state() != MeshSocket.State.STARTING);
		}));
		CompletableFuture<MeshSocket> started = CompletableFuture.supplyAsync(socket::start);
		assertThat(starting.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(socket.state()).isEqualTo(MeshSocket.State.STARTING);
		CompletableFuture.runAsync(socket::close).whenComplete((result, ex) -> closer.complete(null));
		closer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		// close() returned: the start has given up and released everything
		assertThat(socket.state()).isEqualTo(MeshSocket.State.CLOSED);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> started.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(SocketClosedException.class);
		assertThatExceptionOfType(SocketClosedException.class).isThrownBy(socket::id);
		await().atMost(WAIT).untilAsserted(() -> assertThat(threadsNamed("lifecycle-race-")).isEmpty());
	}

	@Test
	void startAfterCloseShouldBindAgainAndServe() throws IOException {
		MeshSocket socket = track(new MeshSocket(options("lifecycle-restart")));
		socket.start();
		int firstPort = socket.boundAddress().getPort();
		socket.close();
		assertThat(socket.state()).isEqualTo(MeshSocket.State.CLOSED);
		try (ServerSocket rebound = new ServerSocket()) {
			rebound.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), firstPort));
		}
		assertThat(socket.start()).isSameAs(socket);
		assertThat(socket.state()).isEqualTo(MeshSocket.State.RUNNING);
		MeshSocket other = track(new MeshSocket(options("lifecycle-restart-peer"))).start();
		Peer peer = other.connect("127.0.0.1", socket.boundAddress().getPort());
		assertThat(peer.id()).isEqualTo(socket.id());
		other.send("after restart");
		Message message = socket.recv(WAIT);
		assertThat(message).isNotNull();
		assertThat(message.packets()).containsExactly("after restart");
	}

	@Test
	void startWhileRunningShouldThrow() {
		MeshSocket socket = track(new MeshSocket(options("lifecycle-twice"))).start();
		assertThatIllegalStateException().isThrownBy(socket::start).withMessageContaining("RUNNING");
	}

	@Test
	void syncSocketStartAfterCloseShouldServeAndKeepItsCountersGoingUp() {
		SyncSocket socket = track(new SyncSocket(SyncOptions.builder()
			.mesh((mesh) -> mesh.name("lifecycle-sync").bindAddress("127.0.0.1").port(0))
			.build()));
		socket.start();
		socket.set("before", "close");
		assertThat(socket.syncStats().localUpdates()).isEqualTo(1);
		socket.close();
		socket.start();
		// a restarted node is a new node: its data comes back from its peers, not from
		// itself
		assertThat(socket.get("before")).isNull();
		socket.set("after", "restart");
		assertThat(socket.get("after")).isEqualTo("restart");
		assertThat(socket.syncStats().localUpdates()).isEqualTo(2);
		assertThat(socket.syncStats().keys()).isEqualTo(1);
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

	/**
	 * A mesh socket that runs a hook inside {@link #start()}: after binding, before
	 * RUNNING.
	 */
	private static final class HookedSocket extends MeshSocket {

		private final Consumer<MeshSocket> hook;

		HookedSocket(MeshOptions options, Consumer<MeshSocket> hook) {
			super(options, options.protocol());
			this.hook = hook;
		}

		@Override
		MeshExtension extension(MeshNode node) {
			this.hook.accept(this);
			return new PlainMesh();
		}

	}

	private static final class PlainMesh implements MeshExtension {

		@Override
		public MeshExtension.@Nullable Claimed claim(WireMessage message) {
			return null;
		}

		@Override
		public void handle(Connection from, WireMessage message, MeshExtension.Claimed claimed) {
		}

		@Override
		public void sendState(Connection to) {
		}

	}

}
