package io.syncsocket.autoconfigure.health;

import java.util.Locale;
import java.util.function.Function;

import io.syncsocket.SyncSocket;
import io.syncsocket.autoconfigure.SyncSocketAutoConfiguration;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.autoconfigure.contributor.CompositeHealthContributorConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the {@code sync} health component: one
 * {@link SyncSocketHealthIndicator} for a single socket, a composite keyed by socket name
 * for several. Disable it with {@code management.health.sync.enabled=false}.
 */
@AutoConfiguration(after = SyncSocketAutoConfiguration.class)
@ConditionalOnClass({ SyncSocket.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(SyncSocket.class)
@ConditionalOnEnabledHealthIndicator("sync")
@EnableConfigurationProperties(SyncSocketHealthProperties.class)
public final class SyncSocketHealthContributorAutoConfiguration
		extends CompositeHealthContributorConfiguration<SyncSocketHealthIndicator, SyncSocket> {

	SyncSocketHealthContributorAutoConfiguration(SyncSocketHealthProperties properties) {
		super(indicators(unconnectedStatus(properties)));
	}

	private static Function<SyncSocket, SyncSocketHealthIndicator> indicators(Status unconnectedStatus) {
		return (socket) -> new SyncSocketHealthIndicator(socket, unconnectedStatus);
	}

	private static Status unconnectedStatus(SyncSocketHealthProperties properties) {
		String code = properties.getUnconnectedStatus();
		if (!StringUtils.hasText(code)) {
			// Status accepts any code, even an empty one, which no status order knows
			throw new InvalidConfigurationPropertyValueException("management.health.sync.unconnected-status", code,
					"A status code such as UNKNOWN or DOWN is required.");
		}
		return new Status(code.trim().toUpperCase(Locale.ROOT));
	}

	@Bean
	@ConditionalOnMissingBean(name = { "syncHealthIndicator", "syncHealthContributor" })
	HealthContributor syncHealthContributor(ConfigurableListableBeanFactory beanFactory) {
		return createContributor(SyncSocketAutoConfiguration.socketsByName(beanFactory));
	}

}
