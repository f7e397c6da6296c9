/**
 * The sample app: a REST API, a server-sent-events stream and a live page over a map
 * shared through the auto-configured {@link io.syncsocket.SyncSocket}.
 */
@NullMarked
package io.syncsocket.sample;

import org.jspecify.annotations.NullMarked;
