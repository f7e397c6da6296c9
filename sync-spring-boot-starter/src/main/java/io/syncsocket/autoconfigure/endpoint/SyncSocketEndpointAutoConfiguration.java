package io.syncsocket.autoconfigure.endpoint;

import io.syncsocket.SyncSocket;
import io.syncsocket.autoconfigure.SyncSocketAutoConfiguration;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code sync} actuator endpoint (expose it with
 * {@code management.endpoints.web.exposure.include=sync}).
 */
@AutoConfiguration(after = SyncSocketAutoConfiguration.class)
@ConditionalOnClass({ SyncSocket.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(SyncSocket.class)
@ConditionalOnAvailableEndpoint(SyncSocketEndpoint.class)
@EnableConfigurationProperties(SyncSocketEndpointProperties.class)
public final class SyncSocketEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SyncSocketEndpoint syncSocketEndpoint(ConfigurableListableBeanFactory beanFactory,
			SyncSocketEndpointProperties properties) {
		int maxKeys = properties.getMaxKeys();
		if (maxKeys < 0) {
			throw new InvalidConfigurationPropertyValueException("management.endpoint.sync.max-keys", maxKeys,
					"The number of keys listed must be 0 or more.");
		}
		return new SyncSocketEndpoint(SyncSocketAutoConfiguration.socketsByName(beanFactory), maxKeys);
	}

}
