package io.syncsocket.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.syncsocket.SyncSocket;
import io.syncsocket.autoconfigure.SyncSocketAutoConfiguration;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of {@link SyncSocketMetrics} when Micrometer is on the classpath.
 */
@AutoConfiguration(after = SyncSocketAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({ SyncSocket.class, MeterRegistry.class })
@ConditionalOnBean(SyncSocket.class)
public final class SyncSocketMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SyncSocketMetrics syncSocketMetrics(ConfigurableListableBeanFactory beanFactory) {
		return new SyncSocketMetrics(SyncSocketAutoConfiguration.socketsByName(beanFactory));
	}

}
