/**
 * Micrometer metrics of syncsocket.
 */
@NullMarked
package io.syncsocket.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
