package io.syncsocket.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.syncsocket.SyncSocket;

/**
 * Maps {@link SyncSocket} bean names to the socket names used in tags, details and
 * events.
 */
public final class SyncSocketNames {

	private SyncSocketNames() {
	}

	/**
	 * The socket name for a bean name: {@code default} for {@code syncSocket}, else the
	 * bean name.
	 */
	public static String socketName(String beanName) {
		return SyncSocketAutoConfiguration.DEFAULT_BEAN_NAME.equals(beanName)
				? SyncSocketAutoConfiguration.DEFAULT_SOCKET_NAME : beanName;
	}

	/** The sockets keyed by socket name, in bean order. */
	public static Map<String, SyncSocket> byName(Map<String, SyncSocket> beans) {
		Map<String, SyncSocket> sockets = new LinkedHashMap<>();
		beans.forEach((beanName, socket) -> sockets.put(socketName(beanName), socket));
		return sockets;
	}

}
