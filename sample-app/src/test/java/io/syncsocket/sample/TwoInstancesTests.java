package io.syncsocket.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.syncsocket.MutableClock;
import io.syncsocket.SyncSocket;
import io.syncsocket.autoconfigure.SyncKeyUpdatedEvent;
import io.syncsocket.autoconfigure.SyncSocketCustomizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two sample-app instances on random ports, the second seeded with the first: the REST
 * API, leases, health, events and a clean shutdown, all over real HTTP and TCP.
 */
class TwoInstancesTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	/**
	 * Shared by both instances, so the lease test can move time past a same-second tie;
	 * real time otherwise (a restarted instance writes in a later second).
	 */
	static final MutableClock clock = MutableClock.ticking();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeEach
	void startTwoInstances() {
		this.first = start("--sync.port=0");
		// published by the starter once the socket is bound, as local.server.port is
		int meshPort = this.first.getEnvironment().getRequiredProperty("local.sync.port", Integer.class);
		this.second = start("--sync.port=0", "--sync.seeds=127.0.0.1:" + meshPort);
		await().atMost(WAIT)
			.until(() -> this.first.getBean(SyncSocket.class).peers().size() == 1
					&& this.second.getBean(SyncSocket.class).peers().size() == 1);
	}

	@AfterEach
	void stop() {
		if (this.second != null) {
			this.second.close();
		}
		if (this.first != null) {
			this.first.close();
		}
	}

	private static ConfigurableApplicationContext start(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.add("--server.port=0");
		all.add("--server.address=127.0.0.1");
		all.add("--spring.main.banner-mode=off");
		return new SpringApplicationBuilder(SampleApplication.class, TestConfiguration.class)
			.run(all.toArray(String[]::new));
	}

	@Test
	void putOnOneInstanceShouldBeReadableOnTheOther() throws Exception {
		HttpResponse<String> put = send(this.first, "PUT", "/kv/greeting", "hello");
		assertThat(put.statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> send(this.second, "GET", "/kv/greeting", null).statusCode() == 200);
		HttpResponse<String> get = send(this.second, "GET", "/kv/greeting", null);
		assertThat(get.body()).isEqualTo("hello");
		assertThat(get.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/plain"));
		assertThat(send(this.second, "GET", "/kv/absent", null).statusCode()).isEqualTo(404);
		assertThat(send(this.second, "GET", "/kv", null).body()).contains("\"greeting\"")
			.contains(this.first.getBean(SyncSocket.class).id());
	}

	@Test
	void mapValuesShouldComeBackAsJson() throws Exception {
		this.first.getBean(SyncSocket.class).applyDelta("presence", java.util.Map.of("alice", "online"));
		await().atMost(WAIT).until(() -> send(this.second, "GET", "/kv/presence", null).statusCode() == 200);
		HttpResponse<String> get = send(this.second, "GET", "/kv/presence", null);
		assertThat(get.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/json"));
		assertThat(get.body()).isEqualTo("{\"alice\":\"online\"}");
	}

	@Test
	void putOnAKeyLeasedByTheOtherInstanceShouldAnswer409WithTheOwner() throws Exception {
		send(this.first, "PUT", "/kv/job-42", "first");
		await().atMost(WAIT).until(() -> "first".equals(send(this.second, "GET", "/kv/job-42", null).body()));
		clock.advance(Duration.ofSeconds(5));
		HttpResponse<String> conflict = send(this.second, "PUT", "/kv/job-42", "second");
		assertThat(conflict.statusCode()).isEqualTo(409);
		assertThat(conflict.body()).contains(this.first.getBean(SyncSocket.class).id());
		assertThat(send(this.first, "GET", "/kv/job-42", null).body()).isEqualTo("first");
	}

	@Test
	void restartedInstanceShouldRewriteItsLeasedKeyAtOnceWhileTheOtherStillGets409() throws Exception {
		assertThat(send(this.first, "PUT", "/kv/feature.x", "on").statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> "on".equals(send(this.second, "GET", "/kv/feature.x", null).body()));
		SyncSocket before = this.first.getBean(SyncSocket.class);
		String id = before.id();
		int meshPort = before.boundAddress().getPort();
		this.first.close();
		await().atMost(WAIT).until(() -> this.second.getBean(SyncSocket.class).peers().isEmpty());

		// The same configuration (the same mesh port; the id comes from the application's
		// name and the advertised address): the same id, so its lease is its own.
		this.first = start("--sync.port=" + meshPort);
		assertThat(this.first.getBean(SyncSocket.class).id()).isEqualTo(id);
		assertThat(send(this.first, "PUT", "/kv/feature.x", "off").statusCode()).isEqualTo(200);
		await().atMost(WAIT).until(() -> "off".equals(send(this.second, "GET", "/kv/feature.x", null).body()));

		clock.advance(Duration.ofSeconds(5));
		HttpResponse<String> conflict = send(this.second, "PUT", "/kv/feature.x", "second");
		assertThat(conflict.statusCode()).isEqualTo(409);
		assertThat(conflict.body()).contains(id);
	}

	@Test
	void deleteShouldReplicate() throws Exception {
		send(this.first, "PUT", "/kv/temp", "x");
		await().atMost(WAIT).until(() -> send(this.second, "GET", "/kv/temp", null).statusCode() == 200);
		assertThat(send(this.first, "DELETE", "/kv/temp", null).statusCode()).isEqualTo(204);
		await().atMost(WAIT).until(() -> send(this.second, "GET", "/kv/temp", null).statusCode() == 404);
	}

	@Test
	void healthShouldShowTheSyncComponentWithDetails() throws Exception {
		HttpResponse<String> health = send(this.second, "GET", "/actuator/health", null);
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"sync\"")
			.contains("\"peerCount\":1")
			.contains("\"nodeId\":\"" + this.second.getBean(SyncSocket.class).id() + "\"")
			.contains("\"initialSyncComplete\"");
		assertThat(send(this.second, "GET", "/actuator/sync", null).body()).contains("\"keyCount\"");
	}

	@Test
	void eventListenerShouldReceiveTheRemoteUpdate() throws Exception {
		send(this.first, "PUT", "/kv/evented", "v");
		Recorder recorder = this.second.getBean(Recorder.class);
		await().atMost(WAIT).until(() -> recorder.events.stream().anyMatch((e) -> e.getKey().equals("evented")));
		SyncKeyUpdatedEvent event = recorder.events.stream()
			.filter((e) -> e.getKey().equals("evented"))
			.findFirst()
			.get();
		assertThat(event.getValue()).isEqualTo("v");
		assertThat(event.getMeta().owner()).isEqualTo(this.first.getBean(SyncSocket.class).id());
		assertThat(recorder.threads).allMatch((name) -> name.equals("sync-default-events"));
	}

	@Test
	void pageAndItsDataEndpointsShouldServeTheLiveMap() throws Exception {
		HttpResponse<String> page = send(this.second, "GET", "/", null);
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<table id=\"map\">").contains("new EventSource('kv/events')");
		assertThat(send(this.second, "GET", "/peers", null).body()).contains(this.first.getBean(SyncSocket.class).id())
			.contains("\"dialect\":\"SYNCSOCKET\"");
		List<String> lines = new CopyOnWriteArrayList<>();
		HttpRequest stream = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(this.second) + "/kv/events"))
			.header("Accept", "text/event-stream")
			.build();
		var subscription = this.http.sendAsync(stream, HttpResponse.BodyHandlers.ofLines())
			.thenAccept((response) -> response.body().forEach(lines::add));
		try {
			await().atMost(WAIT).until(() -> {
				// keep writing until the stream is subscribed and carries the change
				send(this.first, "PUT", "/kv/streamed", "v" + lines.size());
				return lines.stream()
					.anyMatch((line) -> line.startsWith("data:") && line.contains("\"key\":\"streamed\""));
			});
			assertThat(lines).contains("event:update");
		}
		finally {
			subscription.cancel(true);
		}
	}

	@Test
	void closingBothInstancesShouldFreeTheirPorts() throws Exception {
		List<Integer> ports = List.of(port(this.first), port(this.second),
				this.first.getBean(SyncSocket.class).boundAddress().getPort(),
				this.second.getBean(SyncSocket.class).boundAddress().getPort());
		this.second.close();
		this.first.close();
		for (int port : ports) {
			try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
				assertThat(socket.getLocalPort()).isEqualTo(port);
			}
		}
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path, String body)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "text/plain")
			.method(method,
					(body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	static class TestConfiguration {

		@Bean
		SyncSocketCustomizer testClock() {
			return (name, options) -> options.mesh((mesh) -> mesh.clock(clock));
		}

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

	}

	static class Recorder {

		final List<SyncKeyUpdatedEvent> events = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@EventListener
		void onUpdate(SyncKeyUpdatedEvent event) {
			this.events.add(event);
			this.threads.add(Thread.currentThread().getName());
		}

	}

}
