package io.syncsocket.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a socket that could not start into Spring Boot's "APPLICATION FAILED TO START"
 * description: a port in use, or another bind or TLS failure, with the properties to
 * change.
 */
class SyncSocketStartFailureAnalyzer extends AbstractFailureAnalyzer<SyncSocketStartException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, SyncSocketStartException cause) {
		String prefix = cause.prefix();
		if (isAddressInUse(cause)) {
			return new FailureAnalysis(
					"Sync socket '" + cause.socketName() + "' could not listen on " + cause.address()
							+ ": the port is already in use.",
					"Stop the process that listens on " + cause.address() + ", or set " + prefix
							+ "port to a free port (0 picks one at random: other nodes cannot name a random port as "
							+ "their seed, so this node must then dial them through " + prefix + "seeds).",
					cause);
		}
		return new FailureAnalysis(
				"Sync socket '" + cause.socketName() + "' could not start on " + cause.address() + ": "
						+ rootMessage(cause) + ".",
				"Check " + prefix + "addr (an address of this machine), " + prefix + "port and, with TLS, " + prefix
						+ "ssl.*.",
				cause);
	}

	private static boolean isAddressInUse(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof java.net.BindException) {
				return true;
			}
			// Netty's native transports report it as their own IOException
			String message = cause.getMessage();
			if (message != null && message.toLowerCase(Locale.ROOT).contains("address already in use")) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getMessage();
	}

}
