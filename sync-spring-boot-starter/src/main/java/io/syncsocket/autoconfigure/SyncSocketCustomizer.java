package io.syncsocket.autoconfigure;

import io.syncsocket.SyncOptions;

/**
 * Adjusts the options of an auto-configured {@link io.syncsocket.SyncSocket} after the
 * {@code sync.*} properties were applied and before the socket is created. Beans of this
 * type are applied in {@link org.springframework.core.annotation.Order order}.
 */
@FunctionalInterface
public interface SyncSocketCustomizer {

	/**
	 * @param socketName the socket's name
	 * ({@value SyncSocketAutoConfiguration#DEFAULT_SOCKET_NAME} for the single socket
	 * configured by {@code sync.*})
	 * @param options the options to adjust
	 */
	void customize(String socketName, SyncOptions.Builder options);

}
