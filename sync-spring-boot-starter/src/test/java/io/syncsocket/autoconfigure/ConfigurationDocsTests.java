package io.syncsocket.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table lists exactly the properties of the starter's
 * generated configuration metadata, with the same defaults.
 */
class ConfigurationDocsTests {

	private static final Pattern ROW = Pattern.compile(
			"^\\| `((?:sync|management\\.health\\.sync|management\\.endpoint\\.sync)\\.[a-z0-9.-]+)` \\| (?:`([^`]*)`)? ?\\|");

	@Test
	void readmeTableShouldMatchTheMetadata() throws IOException {
		Map<String, String> documented = readmeTable();
		Map<String, String> metadata = metadataDefaults();
		assertThat(documented).as("README configuration table").isNotEmpty().isEqualTo(metadata);
	}

	private static Map<String, String> readmeTable() throws IOException {
		Path readme = Path.of("..", "README.md");
		Map<String, String> rows = new LinkedHashMap<>();
		for (String line : Files.readAllLines(readme)) {
			Matcher matcher = ROW.matcher(line);
			if (matcher.find()) {
				rows.put(matcher.group(1), (matcher.group(2) != null) ? matcher.group(2) : "");
			}
		}
		return rows;
	}

	private static String text(JsonNode value) {
		if (value == null) {
			return "";
		}
		if (value.isArray()) {
			java.util.List<String> elements = new java.util.ArrayList<>();
			value.forEach((element) -> elements.add(element.asString()));
			return String.join(", ", elements);
		}
		return value.asString();
	}

	private static Map<String, String> metadataDefaults() throws IOException {
		Map<String, String> defaults = new LinkedHashMap<>();
		for (URL url : Collections.list(ConfigurationDocsTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			if (!url.toString().contains("sync-spring-boot-starter")) {
				continue;
			}
			try (InputStream in = url.openStream()) {
				for (JsonNode property : JsonMapper.builder().build().readTree(in).get("properties")) {
					String name = property.get("name").asString();
					// management.* entries of the starter's own properties classes (the
					// endpoint's generic access and cache settings are Spring Boot's)
					boolean managementSetting = (name.startsWith("management.health.sync.")
							|| name.startsWith("management.endpoint.sync."))
							&& property.path("sourceType").asString().endsWith("Properties");
					if (name.startsWith("sync.") || managementSetting) {
						JsonNode value = property.get("defaultValue");
						defaults.put(name, text(value));
					}
				}
			}
		}
		return defaults;
	}

}
