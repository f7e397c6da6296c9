package io.syncsocket.bench;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The child side of the orchestrator's line protocol, shared by every node process: one
 * command per stdin line, one reply line per command on stdout, until {@code close}.
 */
final class CommandLoop {

	/** One node's commands. */
	@FunctionalInterface
	interface Commands {

		String execute(String[] words) throws Exception;

	}

	private CommandLoop() {
	}

	/**
	 * The real stdout for protocol lines; {@code System.out} goes to stderr (libraries
	 * print there).
	 */
	static PrintStream protocolOut() {
		PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
		System.setOut(System.err);
		return out;
	}

	/**
	 * Answers commands until {@code close} or the end of stdin; a failed command answers
	 * {@code err ...}.
	 */
	static void serve(PrintStream out, Commands commands) throws IOException {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			if (line.isBlank()) {
				continue;
			}
			String[] words = line.trim().split(" ");
			String reply;
			try {
				reply = commands.execute(words);
			}
			catch (Exception ex) {
				reply = "err " + oneLine(ex);
			}
			out.println(reply);
			if ("close".equals(words[0])) {
				break;
			}
		}
	}

	static String oneLine(Throwable ex) {
		String message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
		return message.replace('\n', ' ').replace('\r', ' ');
	}

}
