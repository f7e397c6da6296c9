package io.syncsocket.autoconfigure;

import java.util.Map;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * Properties that moved before 1.0: set under the old name, start-up fails naming the new
 * one instead of silently ignoring the setting.
 */
final class MovedProperties {

	private static final Map<String, String> MOVED = Map.of("sync.health.unconnected-status",
			"management.health.sync.unconnected-status", "sync.endpoint.max-keys", "management.endpoint.sync.max-keys");

	private MovedProperties() {
	}

	static void check(Environment environment) {
		MOVED.forEach((old, replacement) -> {
			String value = environment.getProperty(old);
			if (value != null) {
				throw new InvalidConfigurationPropertyValueException(old, value,
						"This property moved to '" + replacement + "'.");
			}
		});
	}

}
