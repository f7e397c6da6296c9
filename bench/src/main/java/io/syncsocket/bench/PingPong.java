package io.syncsocket.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.syncsocket.testkit.Values;

/**
 * The floor under W2: a raw 100-byte TCP ping-pong between two processes on loopback
 * (blocking sockets, TCP_NODELAY). {@code main} is the echo server (prints its
 * {@code ready} line with the port, echoes every client in turn until it is killed);
 * {@link #roundTrips} is the client, run by {@link Bench}.
 */
public final class PingPong {

	private PingPong() {
	}

	public static void main(String[] args) throws IOException {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			// the ready line of the child-node protocol (ChildNode); this child takes no
			// commands
			System.out.println("{\"event\":\"ready\",\"port\":" + server.getLocalPort() + "}");
			System.out.flush();
			byte[] buffer = new byte[Integer.parseInt(args.length > 0 ? args[0] : "100")];
			while (true) {
				// one client at a time, until the orchestrator kills this process
				try (Socket socket = server.accept()) {
					socket.setTcpNoDelay(true);
					echo(socket, buffer);
				}
			}
		}
	}

	private static void echo(Socket socket, byte[] buffer) throws IOException {
		DataInputStream in = new DataInputStream(socket.getInputStream());
		OutputStream out = socket.getOutputStream();
		while (true) {
			try {
				in.readFully(buffer);
			}
			catch (java.io.EOFException ex) {
				return;
			}
			out.write(buffer);
		}
	}

	/**
	 * @return {@code count} round-trip times in ns, after {@code warmup} unmeasured ones
	 */
	static long[] roundTrips(int port, int size, int warmup, int count) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setTcpNoDelay(true);
			DataInputStream in = new DataInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			byte[] ping = Values.value(size).getBytes(StandardCharsets.US_ASCII);
			byte[] pong = new byte[size];
			long[] times = new long[count];
			for (int i = -warmup; i < count; i++) {
				long start = System.nanoTime();
				out.write(ping);
				in.readFully(pong);
				if (i >= 0) {
					times[i] = System.nanoTime() - start;
				}
			}
			return times;
		}
	}

}
