package io.syncsocket.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The orchestrator's handle on one node process ({@link JavaNode} or
 * {@code js2p-node.js}): starts it, speaks the line protocol on its stdin/stdout, reads
 * its peak RSS from {@code /proc}, and kills it. stderr goes to a log file. Every wait is
 * bounded.
 *
 * <p>
 * Replies come back in command order, so {@link #send} and a later {@link #reply} let two
 * nodes work at the same time. Used from the orchestrator's main thread only (a reader
 * thread feeds the reply queue).
 */
final class NodeProcess implements AutoCloseable {

	private static final String EOF = "\u0000eof";

	final String name;

	final Process process;

	final Path log;

	final int port;

	private final Writer stdin;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final long timeoutMillis;

	private NodeProcess(String name, Process process, Path log, long timeoutMillis) throws IOException {
		this.name = name;
		this.process = process;
		this.log = log;
		this.timeoutMillis = timeoutMillis;
		this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
		Thread reader = new Thread(this::readLines, "bench-" + name + "-stdout");
		reader.setDaemon(true);
		reader.start();
		String ready = next("start-up");
		while (!ready.startsWith("ready ") && !ready.startsWith("fail ")) {
			// the JVM's own stdout output (e.g. -XX:StartFlightRecording's start-up
			// notice)
			System.err.println("  " + name + " stdout: " + ready);
			ready = next("start-up");
		}
		if (!ready.startsWith("ready ")) {
			close();
			throw new StartException(name + " did not start: " + ready + " (log: " + log + ")", ready);
		}
		this.port = Integer.parseInt(ready.substring(6).trim());
	}

	/** Starts a node and waits for its {@code ready} line. */
	static NodeProcess start(String name, List<String> command, Path logDir, long timeoutMillis) {
		try {
			Files.createDirectories(logDir);
			Path log = logDir.resolve(name + ".log");
			Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
			Bench.CHILDREN.add(process);
			try {
				return new NodeProcess(name, process, log, timeoutMillis);
			}
			catch (RuntimeException ex) {
				process.destroyForcibly();
				Bench.CHILDREN.remove(process);
				throw ex;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), ex);
		}
	}

	/** Sends a command without waiting; its reply is read by {@link #reply}. */
	void send(String command) {
		try {
			this.stdin.write(command);
			this.stdin.write('\n');
			this.stdin.flush();
		}
		catch (IOException ex) {
			throw new BenchException(this.name + " is gone (" + ex.getMessage() + "); log: " + this.log);
		}
	}

	/** The words after {@code ok} of the next reply. */
	String[] reply(String what) {
		return reply(what, this.timeoutMillis);
	}

	String[] reply(String what, long timeoutMillis) {
		String line = next(what, timeoutMillis);
		while (!line.startsWith("ok") && !line.startsWith("err")) {
			System.err.println("  " + this.name + " stdout: " + line);
			line = next(what, timeoutMillis);
		}
		if (line.equals("ok")) {
			return new String[0];
		}
		if (line.startsWith("ok ")) {
			return line.substring(3).split(" ");
		}
		throw new BenchException(this.name + ": '" + what + "' failed: " + line + " (log: " + this.log + ")");
	}

	/** Sends a command and waits for its reply. */
	String[] call(String command) {
		send(command);
		return reply(command);
	}

	String[] call(String command, long timeoutMillis) {
		send(command);
		return reply(command, timeoutMillis);
	}

	/** {@code name=value} words of a {@code stats} reply. */
	Map<String, Long> stats() {
		Map<String, Long> stats = new HashMap<>();
		for (String word : call("stats")) {
			int eq = word.indexOf('=');
			if (eq > 0) {
				stats.put(word.substring(0, eq), Long.parseLong(word.substring(eq + 1)));
			}
		}
		return stats;
	}

	/**
	 * A {@code /proc/<pid>/status} field in bytes ({@code VmHWM}: peak RSS,
	 * {@code VmRSS}: now), or -1.
	 */
	long procStatus(String field) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(this.process.pid()), "status"))) {
				if (line.startsWith(field + ":")) {
					String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
					return Long.parseLong(parts[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or the process is gone
		}
		return -1;
	}

	private String next(String what) {
		return next(what, this.timeoutMillis);
	}

	private String next(String what, long timeoutMillis) {
		String line;
		try {
			line = this.lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new BenchException("interrupted waiting for " + this.name);
		}
		if (line == null) {
			throw new BenchException(this.name + ": no answer to '" + what + "' within " + timeoutMillis + " ms (log: "
					+ this.log + ")");
		}
		if (line == EOF) {
			this.lines.add(EOF);
			throw new BenchException(this.name + " exited while waiting for '" + what + "' (log: " + this.log + ")");
		}
		return line;
	}

	private void readLines() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// the process died; EOF below
		}
		this.lines.add(EOF);
	}

	/** Asks the node to close, then kills it if it does not exit within a few seconds. */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			CpuWatch.retire(this.process);
			try {
				send("close");
				this.stdin.close();
			}
			catch (RuntimeException | IOException ex) {
				// already gone
			}
			try {
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				this.process.destroyForcibly();
				Thread.currentThread().interrupt();
			}
		}
		Bench.CHILDREN.remove(this.process);
	}

	/**
	 * A failed benchmark step; the message says which node, what and where its log is.
	 */
	static class BenchException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		BenchException(String message) {
			super(message);
		}

	}

	/** A node that printed {@code fail ...} (or nothing) instead of {@code ready}. */
	static final class StartException extends BenchException {

		private static final long serialVersionUID = 1L;

		final @Nullable String line;

		StartException(String message, @Nullable String line) {
			super(message);
			this.line = line;
		}

	}

}
