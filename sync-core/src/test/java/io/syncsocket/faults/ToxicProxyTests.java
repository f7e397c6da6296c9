package io.syncsocket.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fault proxy itself, against a plain echo server: each mode does what the fault
 * tests rely on.
 */
@Tag("slow")
class ToxicProxyTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private ServerSocket echo;

	private ToxicProxy proxy;

	private final List<Socket> clients = new ArrayList<>();

	@BeforeEach
	void startEcho() throws IOException {
		this.echo = new ServerSocket(0, 50, InetAddress.getByName(FaultNode.HOST));
		Thread acceptor = new Thread(() -> {
			while (!this.echo.isClosed()) {
				try {
					Socket socket = this.echo.accept();
					Thread pump = new Thread(() -> {
						try (socket) {
							socket.getInputStream().transferTo(socket.getOutputStream());
						}
						catch (IOException ex) {
							// client gone
						}
					});
					pump.setDaemon(true);
					pump.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}, "echo-accept");
		acceptor.setDaemon(true);
		acceptor.start();
		this.proxy = ToxicProxy.to("echo", this.echo.getLocalPort());
	}

	@AfterEach
	void close() throws IOException {
		for (Socket client : this.clients) {
			client.close();
		}
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void passShouldForwardBothWays() throws IOException {
		Socket client = connect();
		assertThat(roundTrip(client, "hello")).isEqualTo("hello");
		// the proxy counts a chunk after writing it on, so the echo can arrive first
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> this.proxy.forwardedBytes() == 10);
	}

	@Test
	void delayShouldHoldEveryChunkInOrder() throws IOException {
		Socket client = connect();
		this.proxy.delay(Duration.ofMillis(150));
		long start = System.nanoTime();
		OutputStream out = client.getOutputStream();
		out.write("ab".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		out.write("cd".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		assertThat(read(client, 4)).isEqualTo("abcd");
		// two hops through the proxy (there and back), 150 ms each
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		this.proxy.pass();
		assertThat(roundTrip(client, "fast")).isEqualTo("fast");
	}

	@Test
	void blackholeShouldSwallowWithoutClosingAndHealShouldResetHoledConnections() throws IOException {
		Socket client = connect();
		assertThat(roundTrip(client, "x")).isEqualTo("x");
		this.proxy.blackhole();
		client.getOutputStream().write("lost".getBytes(StandardCharsets.US_ASCII));
		client.getOutputStream().flush();
		await().atMost(WAIT).until(() -> this.proxy.swallowedBytes() == 4);
		client.setSoTimeout(300);
		InputStream in = client.getInputStream();
		// nothing comes back, and the connection is not closed either: a read times out
		org.assertj.core.api.Assertions.assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(in::read);
		Socket during = connect();
		during.getOutputStream().write("new".getBytes(StandardCharsets.US_ASCII));
		await().atMost(WAIT).until(() -> this.proxy.swallowedBytes() == 7);
		this.proxy.heal();
		client.setSoTimeout((int) WAIT.toMillis());
		assertThat(readsEndOrReset(client)).isTrue();
		assertThat(readsEndOrReset(during)).isTrue();
		assertThat(roundTrip(connect(), "back")).isEqualTo("back");
	}

	@Test
	void cutShouldResetOpenAndNewConnectionsUntilHealed() throws IOException {
		Socket client = connect();
		assertThat(roundTrip(client, "x")).isEqualTo("x");
		this.proxy.cut();
		client.setSoTimeout((int) WAIT.toMillis());
		assertThat(readsEndOrReset(client)).isTrue();
		Socket refused = connect();
		refused.setSoTimeout((int) WAIT.toMillis());
		assertThat(readsEndOrReset(refused)).isTrue();
		this.proxy.heal();
		assertThat(roundTrip(connect(), "back")).isEqualTo("back");
		assertThat(this.proxy.resets()).isGreaterThanOrEqualTo(2);
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket(FaultNode.HOST, this.proxy.port());
		socket.setSoTimeout((int) WAIT.toMillis());
		this.clients.add(socket);
		return socket;
	}

	private static String roundTrip(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
		return read(socket, text.length());
	}

	private static String read(Socket socket, int length) throws IOException {
		return new String(socket.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
	}

	private static boolean readsEndOrReset(Socket socket) {
		try {
			return socket.getInputStream().read() == -1;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true; // connection reset
		}
	}

}
