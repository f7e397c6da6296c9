/**
 * Test support: {@link io.syncsocket.test.SyncTestNodes} starts extra syncsocket nodes in
 * a JUnit 5 test (a peer for the application under test) and closes them after it.
 */
@NullMarked
package io.syncsocket.test;

import org.jspecify.annotations.NullMarked;
