package io.syncsocket.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the auto-configured {@link io.syncsocket.SyncSocket} beans, bound from
 * {@code sync.*}. Without {@code sync.sockets} there is one socket configured by
 * {@code sync.*}; with it, one socket per name, each inheriting unset values from
 * {@code sync.*} (except {@code port}, {@code node-id} and {@code out-addr}, which
 * identify one socket).
 */
@ConfigurationProperties("sync")
public class SyncSocketProperties extends SocketProperties {

	/** Whether to auto-configure SyncSocket beans. */
	private boolean enabled = true;

	/**
	 * Named sockets, each its own bean (injectable by qualifier = its name), inheriting
	 * unset values from sync.* except port, node-id and out-addr.
	 */
	private Map<String, SocketProperties> sockets = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Map<String, SocketProperties> getSockets() {
		return this.sockets;
	}

	public void setSockets(Map<String, SocketProperties> sockets) {
		this.sockets = sockets;
	}

}
