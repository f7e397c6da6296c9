package io.syncsocket.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.syncsocket.SyncSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app's page in a real headless browser: Debian's Chromium driven through its
 * chromedriver (installed by {@code .ci/run}; the test is skipped, saying so, where they
 * are missing). Two instances, the page of the first: health, the mesh picture, a write
 * from the form, a write of the other instance arriving live with its lease, a refused
 * write, the updates-per-second chart.
 */
class BrowserPageTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	private WebDriver browser;

	@TempDir
	Path profile;

	@BeforeEach
	void start() {
		Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
				"Browser test skipped: needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
						+ "); .ci/run installs them with apt-get");
		this.first = startInstance("--sync.port=0");
		int meshPort = this.first.getEnvironment().getRequiredProperty("local.sync.port", Integer.class);
		this.second = startInstance("--sync.port=0", "--sync.seeds=127.0.0.1:" + meshPort);
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
			.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
					"--disable-background-networking", "--disable-component-update", "--disable-sync",
					"--disable-dev-shm-usage", "--user-data-dir=" + this.profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stop() {
		if (this.browser != null) {
			this.browser.quit();
		}
		if (this.second != null) {
			this.second.close();
		}
		if (this.first != null) {
			this.first.close();
		}
	}

	private static ConfigurableApplicationContext startInstance(String... args) {
		List<String> all = new java.util.ArrayList<>(List.of(args));
		all.addAll(List.of("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off"));
		return new SpringApplicationBuilder(SampleApplication.class).run(all.toArray(String[]::new));
	}

	@Test
	void pageShouldShowTheMeshTheMapWithLeasesTheRateAndHealthLive() throws Exception {
		SyncSocket firstSocket = this.first.getBean(SyncSocket.class);
		SyncSocket secondSocket = this.second.getBean(SyncSocket.class);
		this.browser.get("http://127.0.0.1:" + port(this.first) + "/");
		WebDriverWait wait = new WebDriverWait(this.browser, WAIT);

		// health at a glance, and the mesh: this node in the middle, the other as its
		// peer
		wait.until((b) -> text(By.id("health")).equals("UP"));
		wait.until((b) -> b.findElements(By.cssSelector("#mesh g.peer")).size() == 1);
		assertThat(this.browser.findElement(By.cssSelector("#mesh g.self")).getAttribute("data-id"))
			.isEqualTo(firstSocket.id());
		assertThat(this.browser.findElement(By.cssSelector("#mesh g.peer")).getAttribute("data-id"))
			.isEqualTo(secondSocket.id());
		assertThat(this.browser.findElements(By.cssSelector("#mesh line.link"))).hasSize(1);
		assertThat(text(By.id("health-details"))).contains("1 peer(s)").contains("leasing ON");

		// a write from the form: in the table, owned by this node, leased for an hour
		this.browser.findElement(By.id("key")).sendKeys("from-page");
		this.browser.findElement(By.id("value")).sendKeys("hello");
		this.browser.findElement(By.id("set")).click();
		WebElement row = wait.until((b) -> row(b, "from-page"));
		assertThat(row.getText()).contains("hello").contains("this node").contains("until");
		assertThat(secondSocket.get("from-page")).isEqualTo("hello");

		// a write of the other instance arrives live (server-sent events), with its owner
		assertThat(send(this.second, "PUT", "/kv/from-second", "hi").statusCode()).isEqualTo(200);
		WebElement remote = wait.until((b) -> row(b, "from-second"));
		assertThat(remote.findElement(By.className("owner")).getText())
			.isEqualTo(secondSocket.id().substring(0, 12) + "…");
		assertThat(remote.findElement(By.className("lease")).getText()).startsWith("until ");

		// a refused write says who holds the lease (in a later second: within the
		// writer's
		// second the smaller node id may take the key, PROTOCOL.md §7.4)
		long written = java.util.Objects.requireNonNull(secondSocket.meta("from-second")).timestamp();
		wait.until((b) -> System.currentTimeMillis() / 1000 > written);
		this.browser.findElement(By.id("key")).clear();
		this.browser.findElement(By.id("key")).sendKeys("from-second");
		this.browser.findElement(By.id("set")).click();
		wait.until((b) -> text(By.id("status")).startsWith("leased by " + secondSocket.id().substring(0, 12)));

		// the chart counts the updates of the last minute
		wait.until((b) -> Integer.parseInt(text(By.id("rate-total"))) >= 2);
		assertThat(this.browser.findElements(By.cssSelector("#rate rect"))).hasSize(60);
	}

	private String text(By by) {
		return this.browser.findElement(by).getText();
	}

	private static WebElement row(WebDriver browser, String key) {
		List<WebElement> rows = browser.findElements(By.cssSelector("#map tr[data-key='" + key + "']"));
		return rows.isEmpty() ? null : rows.get(0);
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private HttpResponse<String> send(ConfigurableApplicationContext context, String method, String path, String body)
			throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path))
			.timeout(Duration.ofSeconds(10))
			.method(method, HttpRequest.BodyPublishers.ofString(body))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
