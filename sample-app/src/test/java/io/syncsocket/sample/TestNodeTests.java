package io.syncsocket.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.syncsocket.SyncSocket;
import io.syncsocket.test.SyncTestNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The way the README shows to test an application with a second node: the app on random
 * ports, a plain node from {@code sync-test} joining it through {@code local.sync.port}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "sync.port=0")
class TestNodeTests {

	@RegisterExtension
	final SyncTestNodes nodes = new SyncTestNodes();

	@Value("${local.sync.port}")
	int meshPort;

	@LocalServerPort
	int webPort;

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void aNodeStartedByTheTestShouldShareTheApplicationsMap() throws Exception {
		assertThat(send("PUT", "/kv/greeting", "hello").statusCode()).isEqualTo(200);
		SyncSocket peer = this.nodes.joining(this.meshPort);
		assertThat(peer.get("greeting")).isEqualTo("hello");
		peer.set("from-test", "x");
		this.nodes.await(() -> "x".equals(get("/kv/from-test")), () -> "GET /kv/from-test = x");
	}

	private String get(String path) {
		try {
			return send("GET", path, null).body();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.webPort + path))
			.timeout(Duration.ofSeconds(5))
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
