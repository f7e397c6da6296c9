package io.syncsocket.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.syncsocket.SyncSocket;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.LazyInitializationExcludeFilter;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Auto-configuration of {@link SyncSocket} beans from {@code sync.*} properties.
 *
 * <p>
 * Without {@code sync.sockets} there is one bean, {@code syncSocket}, named
 * {@value #DEFAULT_SOCKET_NAME}. With {@code sync.sockets.<name>.*} there is one bean per
 * name (bean name and qualifier = the name), each inheriting unset values from
 * {@code sync.*}. A {@link SyncSocket} bean of the application's own disables all of
 * them. The sockets start and stop with the context ({@link SyncSocketLifecycle}).
 */
@AutoConfiguration
@ConditionalOnClass(SyncSocket.class)
@ConditionalOnBooleanProperty(name = "sync.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SyncSocketProperties.class)
public final class SyncSocketAutoConfiguration {

	/** The name of the socket configured by {@code sync.*} alone. */
	public static final String DEFAULT_SOCKET_NAME = "default";

	/** The bean name of that socket. */
	public static final String DEFAULT_BEAN_NAME = "syncSocket";

	/**
	 * The application's {@link SyncSocket} beans keyed by socket name, in bean order: the
	 * bean {@value #DEFAULT_BEAN_NAME} is {@value #DEFAULT_SOCKET_NAME}, any other keeps
	 * its bean name. The health, metrics and endpoint auto-configurations name sockets
	 * this way, whether the starter or the application defined them.
	 */
	public static Map<String, SyncSocket> socketsByName(ListableBeanFactory beanFactory) {
		Map<String, SyncSocket> sockets = new LinkedHashMap<>();
		beanFactory.getBeansOfType(SyncSocket.class)
			.forEach((beanName, socket) -> sockets
				.put(DEFAULT_BEAN_NAME.equals(beanName) ? DEFAULT_SOCKET_NAME : beanName, socket));
		return sockets;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SyncSocket.class)
	@Import(SocketRegistrar.class)
	static class SyncSocketsConfiguration {

		/**
		 * The sockets are servers: bind them at start-up even with lazy initialization.
		 */
		@Bean
		static LazyInitializationExcludeFilter syncSocketLazyInitializationExcludeFilter() {
			return LazyInitializationExcludeFilter.forBeanTypes(SyncSocket.class);
		}

		@Bean
		SyncSocketLifecycle syncSocketLifecycle(SyncSocketProperties properties,
				ObjectProvider<SyncSocketCustomizer> customizers, ApplicationEventPublisher publisher,
				ObjectProvider<SslBundles> sslBundles, ObjectProvider<DiscoverySeeds> discovery,
				Environment environment) {
			MovedProperties.check(environment);
			SyncSocketLifecycle lifecycle = new SyncSocketLifecycle(properties, customizers, publisher,
					sslBundles::getIfAvailable,
					environment.getProperty("spring.application.name", SyncOptionsMapper.DEFAULT_NODE_NAME),
					discovery::getIfAvailable);
			if (environment instanceof ConfigurableEnvironment configurable) {
				lifecycle.publishPortsTo(configurable);
			}
			return lifecycle;
		}

	}

	/**
	 * Seeds from Spring Cloud's {@link DiscoveryClient}
	 * ({@code sync.discovery.service-id}), when Spring Cloud Commons is on the class path
	 * and a client is configured.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(DiscoveryClient.class)
	static class DiscoveryConfiguration {

		@Bean
		DiscoverySeeds syncDiscoverySeeds(ObjectProvider<DiscoveryClient> clients) {
			return new DiscoveryClientSeeds(clients);
		}

	}

	/** Registers one {@link SyncSocket} bean per configured socket name. */
	static class SocketRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

		private @Nullable Environment environment;

		private @Nullable BeanFactory beanFactory;

		@Override
		public void setEnvironment(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
			this.beanFactory = beanFactory;
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			Map<String, SocketProperties> named = Binder.get(java.util.Objects.requireNonNull(this.environment))
				.bind("sync.sockets", Bindable.mapOf(String.class, SocketProperties.class))
				.orElse(Map.of());
			if (named.isEmpty()) {
				register(registry, DEFAULT_BEAN_NAME, DEFAULT_SOCKET_NAME);
			}
			else {
				named.keySet().forEach((name) -> register(registry, name, name));
			}
		}

		private void register(BeanDefinitionRegistry registry, String beanName, String socketName) {
			BeanFactory beanFactory = java.util.Objects.requireNonNull(this.beanFactory);
			RootBeanDefinition definition = new RootBeanDefinition(SyncSocket.class,
					() -> beanFactory.getBean(SyncSocketLifecycle.class).create(socketName));
			definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, socketName));
			// closed by the lifecycle; close() is idempotent, so the inferred destroy
			// method is harmless
			definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
			registry.registerBeanDefinition(beanName, definition);
		}

	}

}
