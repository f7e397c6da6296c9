package io.syncsocket.testkit;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/**
 * The child side of the child-node protocol ({@link ChildNode}) for Java children: the
 * ready or error line, then one reply line per command line until {@code close} or the
 * end of stdin. Commands run one at a time on the calling (main) thread.
 */
public final class ChildLoop {

	private static final ObjectMapper mapper = new ObjectMapper();

	private final PrintStream out;

	/** One node's commands. */
	@FunctionalInterface
	public interface Commands {

		/**
		 * Runs one command.
		 * @param cmd its name
		 * @param command the whole command line (arguments by name)
		 * @return the result ({@code null} for none)
		 * @throws Refusal to answer with an error of a given kind; any other exception
		 * answers with its class name as the kind
		 */
		@Nullable JsonNode execute(String cmd, JsonNode command) throws Exception;

	}

	/**
	 * Takes stdout for the protocol and points {@code System.out} at stderr, where
	 * libraries may print. Call before any logging starts.
	 */
	public ChildLoop() {
		this.out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
		System.setOut(System.err);
	}

	/** A fresh JSON object for results. */
	public static ObjectNode object() {
		return mapper.createObjectNode();
	}

	public static ObjectMapper mapper() {
		return mapper;
	}

	/** Prints the ready line: {@code fields} plus {@code "event":"ready"}. */
	public void ready(ObjectNode fields) {
		emit(object().put("event", "ready").setAll(fields));
	}

	/** Prints the start-up failure and exits with status 3. */
	public void fail(Throwable ex) {
		emit(object().put("event", "error").put("message", oneLine(ex)));
		System.exit(3);
	}

	/** Answers commands until {@code close} (answered first) or the end of stdin. */
	public void serve(Commands commands) throws IOException {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String line;
		while ((line = in.readLine()) != null) {
			if (line.isBlank()) {
				continue;
			}
			JsonNode command = mapper.readTree(line);
			String cmd = command.path("cmd").asText();
			ObjectNode reply = object().put("reply", command.path("id").asLong());
			try {
				JsonNode result = "close".equals(cmd) ? null : commands.execute(cmd, command);
				reply.put("ok", true).set("result", result);
			}
			catch (Refusal ex) {
				reply.put("ok", false).put("error", ex.kind).put("message", ex.getMessage());
			}
			catch (Exception ex) {
				reply.put("ok", false).put("error", ex.getClass().getSimpleName()).put("message", oneLine(ex));
			}
			emit(reply);
			if ("close".equals(cmd)) {
				return;
			}
		}
	}

	private void emit(JsonNode line) {
		this.out.println(line.toString());
	}

	private static String oneLine(Throwable ex) {
		return (ex.getClass().getSimpleName() + ": " + ex.getMessage()).replace('\n', ' ').replace('\r', ' ');
	}

	/** A command's failure with a kind the caller can act on ({@code lease}, ...). */
	public static final class Refusal extends RuntimeException {

		private static final long serialVersionUID = 1L;

		private final String kind;

		public Refusal(String kind, String message) {
			super(message);
			this.kind = kind;
		}

	}

}
