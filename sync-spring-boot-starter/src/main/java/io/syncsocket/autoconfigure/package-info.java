/**
 * Spring Boot auto-configuration for syncsocket: {@code sync.*} properties, the
 * {@link io.syncsocket.SyncSocket} beans, their lifecycle and their application events.
 */
@NullMarked
package io.syncsocket.autoconfigure;

import org.jspecify.annotations.NullMarked;
