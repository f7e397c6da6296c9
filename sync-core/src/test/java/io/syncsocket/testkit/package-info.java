/**
 * The test kit for nodes in child processes, shared by the fault tests, the interop tests
 * and the benchmark (sync-core's test-jar): {@link io.syncsocket.testkit.ChildNode}
 * starts a child, speaks the one child-node protocol with it (documented there) and ends
 * it; {@link io.syncsocket.testkit.JavaNode} is the syncsocket child's {@code main},
 * {@code interop/js2p/driver.js} the js2p child. The one test clock is
 * {@link io.syncsocket.MutableClock}.
 */
@NullMarked
package io.syncsocket.testkit;

import org.jspecify.annotations.NullMarked;
