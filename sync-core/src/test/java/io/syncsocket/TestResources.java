package io.syncsocket;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (sockets, proxies, raw peers, node processes), closed after each
 * test in reverse order, every one even if another fails to close. Register it as a
 * field: {@code @RegisterExtension final TestResources resources = new TestResources();}
 * (it runs after the test class's own {@code @AfterEach} methods).
 */
public final class TestResources implements AfterEachCallback {

	private final List<AutoCloseable> resources = new ArrayList<>();

	/** Closes {@code resource} after the test; returns it. */
	public <T extends AutoCloseable> T add(T resource) {
		synchronized (this.resources) {
			this.resources.add(resource);
		}
		return resource;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		List<AutoCloseable> opened;
		synchronized (this.resources) {
			opened = new ArrayList<>(this.resources);
			this.resources.clear();
		}
		@Nullable Exception failure = null;
		for (int i = opened.size() - 1; i >= 0; i--) {
			try {
				opened.get(i).close();
			}
			catch (Exception ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
