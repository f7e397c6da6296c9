/**
 * The {@code sync} health component.
 */
@NullMarked
package io.syncsocket.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
