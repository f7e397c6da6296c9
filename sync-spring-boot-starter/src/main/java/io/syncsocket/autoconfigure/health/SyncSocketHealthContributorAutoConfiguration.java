package io.syncsocket.autoconfigure.health;

import io.syncsocket.SyncSocket;
import io.syncsocket.autoconfigure.SyncSocketAutoConfiguration;
import io.syncsocket.autoconfigure.SyncSocketNames;
import io.syncsocket.autoconfigure.SyncSocketProperties;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.CompositeHealthContributorConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code sync} health component: one {@link SyncSocketHealthIndicator}
 * for a single socket, a composite keyed by socket name for several. Disable it with
 * {@code management.health.sync.enabled=false}.
 */
@AutoConfiguration(after = SyncSocketAutoConfiguration.class)
@ConditionalOnClass({ SyncSocket.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(SyncSocket.class)
@ConditionalOnEnabledHealthIndicator("sync")
public final class SyncSocketHealthContributorAutoConfiguration
		extends CompositeHealthContributorConfiguration<SyncSocketHealthIndicator, SyncSocket> {

	SyncSocketHealthContributorAutoConfiguration(ObjectProvider<SyncSocketProperties> properties) {
		super((socket) -> new SyncSocketHealthIndicator(socket, new Status(properties
			.getIfAvailable(SyncSocketProperties::new)
			.getHealth()
			.getUnconnectedStatus()
			.toUpperCase(java.util.Locale.ROOT))));
	}

	@Bean
	@ConditionalOnMissingBean(name = { "syncHealthIndicator", "syncHealthContributor" })
	HealthContributor syncHealthContributor(ConfigurableListableBeanFactory beanFactory) {
		return createContributor(SyncSocketNames.byName(beanFactory.getBeansOfType(SyncSocket.class)));
	}

}
