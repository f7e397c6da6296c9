package io.syncsocket.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.syncsocket.DeletePolicy;
import io.syncsocket.Leasing;
import io.syncsocket.Protocol;
import io.syncsocket.SyncOptions;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's generated configuration metadata (what IDEs show) against the code: every
 * documented default is the library's real default, and every property is described.
 */
class SyncSocketConfigurationMetadataTests {

	/**
	 * Properties whose default is "unset" or machine-dependent, so the metadata has none.
	 */
	private static final Set<String> WITHOUT_DEFAULT = Set.of("sync.out-addr", "sync.seeds", "sync.node-id",
			"sync.node-name", "sync.discovery.service-id", "sync.discovery.port", "sync.io-threads", "sync.sockets",
			"sync.ssl.bundle", "sync.ssl.mode");

	private static List<Map<String, Object>> properties;

	private static List<Map<String, Object>> hints;

	@BeforeAll
	static void loadStarterMetadata() throws IOException {
		String classes = SyncSocketProperties.class.getProtectionDomain().getCodeSource().getLocation().toString();
		List<URL> candidates = Collections.list(SyncSocketConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"));
		List<URL> starter = candidates.stream().filter((url) -> url.toString().startsWith(classes)).toList();
		assertThat(starter).as("metadata under %s among %s", classes, candidates).hasSize(1);
		try (InputStream in = starter.get(0).openStream()) {
			DocumentContext json = JsonPath.parse(in);
			properties = json.read("$.properties");
			hints = json.read("$.hints");
		}
	}

	@Test
	void everySyncPropertyShouldHaveATypeAndADescription() {
		List<Map<String, Object>> sync = syncProperties();
		assertThat(sync).hasSizeGreaterThan(20);
		SoftAssertions softly = new SoftAssertions();
		for (Map<String, Object> property : sync) {
			Object name = property.get("name");
			// an additional-metadata entry whose name matches no real property has no
			// type
			softly.assertThat(property.get("type")).as("type of %s", name).isNotNull();
			softly.assertThat(property.get("sourceType")).as("sourceType of %s", name).isNotNull();
			softly.assertThat((String) property.get("description")).as("description of %s", name).isNotBlank();
		}
		softly.assertAll();
	}

	@Test
	void unsetPropertiesShouldMapToTheLibraryDefaults() {
		SyncOptions mapped = map(new SyncSocketProperties());
		assertThat(mapped).usingRecursiveComparison()
			.isEqualTo(SyncOptions.defaults()
				.mutate()
				// the starter's one departure: ids derived from the application's name
				.mesh((mesh) -> mesh.name("sync-default").nodeName(SyncOptionsMapper.DEFAULT_NODE_NAME))
				.build());
	}

	@Test
	void everyDocumentedDefaultShouldBeTheRealDefault() {
		SyncSocketProperties unset = new SyncSocketProperties();
		SyncOptions defaults = map(unset);
		SoftAssertions softly = new SoftAssertions();
		for (Map<String, Object> property : syncProperties()) {
			String name = (String) property.get("name");
			Object defaultValue = property.get("defaultValue");
			if (defaultValue == null) {
				continue;
			}
			SyncSocketProperties bound = new SyncSocketProperties();
			// list defaults are JSON arrays in the metadata, comma-separated text in
			// properties
			String text = (defaultValue instanceof java.util.List<?> list)
					? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(defaultValue);
			Set<String> boundNames = bind(bound, name, text);
			softly.assertThat(boundNames).as("%s=%s binds", name, defaultValue).contains(name);
			softly.assertThat(map(bound))
				.as("options with %s=%s", name, defaultValue)
				.usingRecursiveComparison()
				.isEqualTo(defaults);
			softly.assertThat(new SyncOptionsMapper(bound, "default").debugLevel())
				.as("debug level with %s=%s", name, defaultValue)
				.isEqualTo(new SyncOptionsMapper(unset, "default").debugLevel());
			softly.assertThat(bound.isEnabled()).as("enabled with %s", name).isEqualTo(unset.isEnabled());
		}
		softly.assertAll();
	}

	@Test
	void onlyPropertiesWithoutAFixedDefaultShouldLackADocumentedOne() {
		Set<String> undocumented = syncProperties().stream()
			.filter((property) -> property.get("defaultValue") == null)
			.map((property) -> (String) property.get("name"))
			.collect(Collectors.toSet());
		assertThat(undocumented).containsExactlyInAnyOrderElementsOf(WITHOUT_DEFAULT);
		SyncOptions defaults = SyncOptions.defaults();
		assertThat(defaults.mesh().outHost()).isNull();
		assertThat(defaults.mesh().seeds()).isEmpty();
		assertThat(defaults.mesh().nodeId()).isNull();
	}

	@Test
	void hintsShouldNameEveryEnumConstantAndBindToIt() {
		assertThat(hintValues("sync.leasing").stream().map((value) -> bindOne("sync.leasing", value).getLeasing()))
			.containsExactlyInAnyOrder(Leasing.values());
		assertThat(hintValues("sync.delete-policy").stream()
			.map((value) -> bindOne("sync.delete-policy", value).getDeletePolicy()))
			.containsExactlyInAnyOrder(DeletePolicy.values());
		assertThat(hintValues("sync.protocol.encryption")).containsExactly(Protocol.PLAINTEXT, Protocol.SSL);
		assertThat(
				hintValues("sync.ssl.mode").stream().map((value) -> bindOne("sync.ssl.mode", value).getSsl().getMode()))
			.containsExactlyInAnyOrder(io.syncsocket.TlsOptions.Mode.values());
		assertThat(hintValues("management.health.sync.unconnected-status")).contains("UNKNOWN", "DOWN");
	}

	private static List<Map<String, Object>> syncProperties() {
		return properties.stream().filter((property) -> ((String) property.get("name")).startsWith("sync.")).toList();
	}

	@SuppressWarnings("unchecked")
	private static List<String> hintValues(String name) {
		Map<String, Object> hint = hints.stream()
			.filter((candidate) -> name.equals(candidate.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no hint for " + name));
		return ((List<Map<String, Object>>) hint.get("values")).stream()
			.map((value) -> String.valueOf(value.get("value")))
			.toList();
	}

	private static SyncOptions map(SyncSocketProperties properties) {
		return new SyncOptionsMapper(properties, "default").map("sync-default").build();
	}

	private static SyncSocketProperties bindOne(String name, String value) {
		SyncSocketProperties bound = new SyncSocketProperties();
		assertThat(bind(bound, name, value)).as("%s=%s binds", name, value).contains(name);
		return bound;
	}

	/**
	 * Binds one property value onto {@code target}; returns the names that were bound.
	 */
	private static Set<String> bind(SyncSocketProperties target, String name, String value) {
		Set<String> bound = new HashSet<>();
		BindHandler recording = new BindHandler() {

			@Override
			public Object onSuccess(ConfigurationPropertyName property, Bindable<?> bindable, BindContext context,
					Object result) {
				bound.add(property.toString());
				return result;
			}

		};
		new Binder(new MapConfigurationPropertySource(Map.of(name, value))).bind("sync", Bindable.ofInstance(target),
				recording);
		return bound;
	}

}
