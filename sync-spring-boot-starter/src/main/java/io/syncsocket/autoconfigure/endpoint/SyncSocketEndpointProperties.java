package io.syncsocket.autoconfigure.endpoint;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code sync} actuator endpoint, under {@code management.endpoint.sync}
 * as Spring Boot's own endpoints are.
 */
@ConfigurationProperties("management.endpoint.sync")
public class SyncSocketEndpointProperties {

	/** Most keys listed per socket (in key order); the key count is always exact. */
	private int maxKeys = 100;

	public int getMaxKeys() {
		return this.maxKeys;
	}

	public void setMaxKeys(int maxKeys) {
		this.maxKeys = maxKeys;
	}

}
