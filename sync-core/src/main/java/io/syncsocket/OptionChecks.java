package io.syncsocket;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * The argument checks the option builders share, so that every option fails with the same
 * message shape ({@code name: value (expected: ...)}).
 */
final class OptionChecks {

	private OptionChecks() {
	}

	/**
	 * Parses {@code host:port} or {@code [ipv6]:port} into an unresolved address.
	 * @throws IllegalArgumentException naming {@code name} if it is malformed
	 */
	static InetSocketAddress parseHostPort(String text, String name) {
		Objects.requireNonNull(text, () -> "'" + name + "' must not contain null");
		String value = text.trim();
		int colon = value.lastIndexOf(':');
		String host = (colon > 0) ? value.substring(0, colon) : "";
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		int port = -1;
		try {
			port = (colon > 0) ? Integer.parseInt(value.substring(colon + 1)) : -1;
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		if (host.isBlank() || port < 1 || port > 65535) {
			throw new IllegalArgumentException(name + ": '" + text + "' (expected: host:port with a port 1-65535)");
		}
		return InetSocketAddress.createUnresolved(host, port);
	}

	static String requireText(String value, String name) {
		Objects.requireNonNull(value, () -> "'" + name + "' must not be null");
		if (value.isBlank()) {
			throw new IllegalArgumentException(name + ": blank (expected: a host name or address)");
		}
		return value;
	}

	static int requirePort(int port, String name) {
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
		}
		return port;
	}

	static int requireAtLeast(int value, int minimum, String name) {
		if (value < minimum) {
			throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + minimum + ")");
		}
		return value;
	}

	static Duration requirePositive(Duration duration, String name) {
		Objects.requireNonNull(duration, () -> "'" + name + "' must not be null");
		if (duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(name + ": " + duration + " (expected: > 0)");
		}
		return duration;
	}

}
