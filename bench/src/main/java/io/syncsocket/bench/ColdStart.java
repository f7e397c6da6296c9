package io.syncsocket.bench;

import java.util.Locale;

import io.syncsocket.SyncOptions;
import io.syncsocket.SyncSocket;

/**
 * The cold path of one fresh JVM, phase by phase (docs/benchmarks.md, "Cold start and
 * join"): building the options, {@code new SyncSocket}, {@code start()} and the first
 * {@code connect()}.
 * <p>
 * {@code ColdStart serve SECONDS} starts a node, prints {@code port N} and keeps it up;
 * {@code ColdStart PORT} runs the phases against it and prints one line of milliseconds.
 */
public final class ColdStart {

	private ColdStart() {
	}

	public static void main(String[] args) throws InterruptedException {
		long t0 = System.nanoTime();
		SyncOptions options = SyncOptions.builder().mesh((mesh) -> mesh.bindAddress("127.0.0.1").port(0)).build();
		long t1 = System.nanoTime();
		SyncSocket socket = new SyncSocket(options);
		long t2 = System.nanoTime();
		socket.start();
		long t3 = System.nanoTime();
		if ("serve".equals(args[0])) {
			System.out.println("port " + socket.boundAddress().getPort());
			Thread.sleep(Long.parseLong(args[1]) * 1000);
			socket.close();
			return;
		}
		socket.connect("127.0.0.1", Integer.parseInt(args[0]));
		long t4 = System.nanoTime();
		System.out.printf(Locale.ROOT, "options %.1f ms, new %.1f ms, start %.1f ms, connect %.1f ms, total %.1f ms%n",
				(t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6, (t4 - t0) / 1e6);
		socket.close();
	}

}
