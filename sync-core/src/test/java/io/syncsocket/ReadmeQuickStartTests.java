package io.syncsocket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's plain-Java quick start, exactly as written: saved as
 * {@code QuickStart.java} and run with the JDK's source launcher on this module's class
 * path, in a fresh JVM.
 */
class ReadmeQuickStartTests {

	private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

	@Test
	void quickStartShouldRunAsWritten(@TempDir Path dir) throws IOException, InterruptedException {
		String readme = Files.readString(Path.of("..", "README.md"));
		String section = readme.substring(readme.indexOf("## Quick start (plain Java)"));
		Matcher block = JAVA_BLOCK.matcher(section);
		assertThat(block.find()).as("a java block in the quick start").isTrue();
		Path source = Files.writeString(dir.resolve("QuickStart.java"), block.group(1));
		String java = ProcessHandle.current().info().command().orElse("java");
		Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), source.toString())
			.directory(dir.toFile())
			.redirectErrorStream(true)
			.start();
		boolean exited = process.waitFor(60, TimeUnit.SECONDS);
		if (!exited) {
			process.destroyForcibly();
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(exited).as("exited within 60 s; output:%n%s", output).isTrue();
		assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
		assertThat(output.lines().filter((line) -> line.startsWith("b ")).toList()).as(output)
			.containsExactlyInAnyOrderElementsOf(List.of("b got feature.dark-mode = true",
					"b got presence = {alice=online}", "b reads feature.dark-mode = true"));
	}

}
