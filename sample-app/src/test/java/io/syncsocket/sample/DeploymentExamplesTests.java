package io.syncsocket.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code application.yaml} examples of docs/deployment.md, as printed there, each
 * started in three sample-app JVMs. Each JVM stands for a pod, container or VM: it gets
 * the environment the platform would give it, its own loopback address (127.0.0.2-4) in
 * place of its IP, one mesh and one web port shared by the three, and a hosts file that
 * resolves the example's host names to those addresses (docs/deployment.md, "How the
 * examples are tested").
 */
class DeploymentExamplesTests {

	private static final Pattern EXAMPLE = Pattern.compile("<!-- example: ([a-z-]+) -->\\n```yaml\\n(.*?)```",
			Pattern.DOTALL);

	private static final List<String> ADDRESSES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

	private static final Duration WAIT = Duration.ofSeconds(60);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Process> processes = new ArrayList<>();

	@TempDir
	Path dir;

	/** The web port of the instances of the example that ran last. */
	private int webPort;

	@AfterEach
	void stop() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroy();
		}
		for (Process process : this.processes) {
			if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
		}
	}

	@Test
	void kubernetesStatefulSetExampleShouldFormAMesh() throws Exception {
		Map<String, List<String>> hosts = new LinkedHashMap<>();
		hosts.put("flags-mesh.default.svc.cluster.local", ADDRESSES);
		for (int i = 0; i < 3; i++) {
			hosts.put("flags-" + i + ".flags-mesh.default.svc.cluster.local", List.of(ADDRESSES.get(i)));
		}
		int meshPort = run("kubernetes-statefulset", hosts,
				(i) -> Map.of("POD_NAME", "flags-" + i, "POD_NAMESPACE", "default"));
		// each pod advertises its stable DNS name, which its node id is derived from
		assertThat(get(ADDRESSES.get(1), this.webPort, "/actuator/health").body())
			.contains("\"advertisedAddress\":\"flags-1.flags-mesh.default.svc.cluster.local:" + meshPort + "\"");
	}

	@Test
	void kubernetesDeploymentExampleShouldFormAMesh() throws Exception {
		run("kubernetes-deployment", Map.of("flags-mesh.default.svc.cluster.local", ADDRESSES),
				(i) -> Map.of("POD_IP", ADDRESSES.get(i), "POD_NAMESPACE", "default"));
	}

	@Test
	void composeExampleShouldFormAMesh() throws Exception {
		Map<String, List<String>> hosts = new LinkedHashMap<>();
		for (int i = 0; i < 3; i++) {
			hosts.put("flags-" + (i + 1), List.of(ADDRESSES.get(i)));
		}
		run("compose", hosts, (i) -> Map.of());
	}

	@Test
	void vmExampleShouldFormAMesh() throws Exception {
		Map<String, List<String>> hosts = new LinkedHashMap<>();
		for (int i = 0; i < 3; i++) {
			hosts.put("vm" + (i + 1) + ".example.internal", List.of(ADDRESSES.get(i)));
		}
		run("vm", hosts, (i) -> Map.of());
	}

	/** Runs the example in three JVMs until they form a mesh; returns the mesh port. */
	private int run(String example, Map<String, List<String>> hostNames,
			java.util.function.IntFunction<Map<String, String>> platformEnvironment) throws Exception {
		Path config = Files.writeString(this.dir.resolve(example + ".yaml"), example(example));
		Path hosts = writeHosts(hostNames);
		int meshPort = freePort();
		int webPort = freePort();
		this.webPort = webPort;
		for (int i = 0; i < 3; i++) {
			Map<String, String> environment = new LinkedHashMap<>(platformEnvironment.apply(i));
			// the harness's stand-ins for the instance's own IP and the platform's ports
			environment.put("SYNC_ADDR", ADDRESSES.get(i));
			environment.put("SERVER_ADDRESS", ADDRESSES.get(i));
			environment.put("SYNC_PORT", String.valueOf(meshPort));
			environment.put("SERVER_PORT", String.valueOf(webPort));
			launch(example + "-" + i, config, hosts, environment);
		}
		for (String address : ADDRESSES) {
			try {
				await().atMost(WAIT)
					.pollInterval(Duration.ofMillis(250))
					.ignoreExceptions()
					.untilAsserted(() -> assertThat(get(address, webPort, "/actuator/health").body())
						.contains("\"peerCount\":2"));
			}
			catch (org.awaitility.core.ConditionTimeoutException ex) {
				throw new AssertionError(
						"'" + example + "': " + address + " did not reach two peers; logs:\n" + logs(example), ex);
			}
		}
		HttpResponse<String> put = send(ADDRESSES.get(0), webPort, "PUT", "/kv/from-" + example, "ok");
		assertThat(put.statusCode()).isEqualTo(200);
		for (String address : ADDRESSES.subList(1, 3)) {
			await().atMost(Duration.ofSeconds(15))
				.until(() -> "ok".equals(get(address, webPort, "/kv/from-" + example).body()));
		}
		return meshPort;
	}

	/** The end of each instance's log, for a failure message. */
	private String logs(String example) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < 3; i++) {
			Path log = this.dir.resolve(example + "-" + i + ".log");
			try {
				List<String> lines = Files.readAllLines(log);
				text.append("--- ").append(log.getFileName()).append('\n');
				// the start (a configuration error) and the end (what it did last)
				lines.subList(0, Math.min(lines.size(), 30)).forEach((line) -> text.append(line).append('\n'));
				if (lines.size() > 30) {
					text.append("...\n");
					lines.subList(Math.max(30, lines.size() - 30), lines.size())
						.forEach((line) -> text.append(line).append('\n'));
				}
			}
			catch (IOException ex) {
				text.append("--- ").append(log.getFileName()).append(": ").append(ex).append('\n');
			}
		}
		return text.toString();
	}

	/** The yaml block marked {@code <!-- example: name -->} in docs/deployment.md. */
	private static String example(String name) throws IOException {
		String doc = Files.readString(Path.of("..", "docs", "deployment.md"));
		Matcher matcher = EXAMPLE.matcher(doc);
		while (matcher.find()) {
			if (matcher.group(1).equals(name)) {
				return matcher.group(2);
			}
		}
		throw new AssertionError("no example '" + name + "' in docs/deployment.md");
	}

	private Path writeHosts(Map<String, List<String>> names) throws IOException {
		StringBuilder text = new StringBuilder("127.0.0.1 localhost\n");
		names.forEach((name, addresses) -> addresses
			.forEach((address) -> text.append(address).append(' ').append(name).append('\n')));
		return Files.writeString(this.dir.resolve("hosts"), text, StandardCharsets.UTF_8);
	}

	private void launch(String name, Path config, Path hosts, Map<String, String> environment) throws IOException {
		String java = ProcessHandle.current().info().command().orElse("java");
		List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
				"-Djdk.net.hosts.file=" + hosts.toAbsolutePath(), "-cp", System.getProperty("java.class.path"),
				SampleApplication.class.getName(),
				"--spring.config.additional-location=file:" + config.toAbsolutePath(), "--spring.main.banner-mode=off");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.dir.resolve(name + ".log").toFile());
		builder.environment().putAll(environment);
		this.processes.add(builder.start());
	}

	/**
	 * A port free a moment ago on the first address (each instance binds it on its own).
	 */
	private static int freePort() throws IOException {
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(ADDRESSES.get(0)))) {
			return probe.getLocalPort();
		}
	}

	private HttpResponse<String> get(String address, int port, String path) {
		return send(address, port, "GET", path, null);
	}

	private HttpResponse<String> send(String address, int port, String method, String path, String body) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + ":" + port + path))
			.timeout(Duration.ofSeconds(5))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
