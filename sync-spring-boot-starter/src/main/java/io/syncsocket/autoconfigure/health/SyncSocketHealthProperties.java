package io.syncsocket.autoconfigure.health;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the {@code sync} health component, under {@code management.health.sync} as
 * Spring Boot's own health indicators are.
 */
@ConfigurationProperties("management.health.sync")
public class SyncSocketHealthProperties {

	/**
	 * Health status reported while seeds are configured but no peer is connected (bound
	 * and working, but alone).
	 */
	private String unconnectedStatus = "UNKNOWN";

	public String getUnconnectedStatus() {
		return this.unconnectedStatus;
	}

	public void setUnconnectedStatus(String unconnectedStatus) {
		this.unconnectedStatus = unconnectedStatus;
	}

}
