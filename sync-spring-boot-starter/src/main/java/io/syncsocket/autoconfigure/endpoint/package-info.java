/**
 * The {@code sync} actuator endpoint.
 */
@NullMarked
package io.syncsocket.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
