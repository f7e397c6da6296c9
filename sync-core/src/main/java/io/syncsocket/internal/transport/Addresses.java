package io.syncsocket.internal.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import org.jspecify.annotations.Nullable;

/**
 * Socket addresses as people write them: {@code host:port}, {@code [v6]:port}, instead of
 * {@code InetSocketAddress}'s {@code host/1.2.3.4:port} and
 * {@code host/<unresolved>:port}.
 */
public final class Addresses {

	private Addresses() {
	}

	public static String text(@Nullable SocketAddress address) {
		if (!(address instanceof InetSocketAddress inet)) {
			return String.valueOf(address);
		}
		String host = inet.getHostString();
		return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + inet.getPort();
	}

}
