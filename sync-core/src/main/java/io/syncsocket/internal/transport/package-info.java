/**
 * Netty transport: one pipeline per link (framing, size limit, compression, stall
 * detection) and the bootstrap that binds and dials. ByteBuf never leaves this package.
 *
 * <p>
 * Internal API, no compatibility promise.
 */
@NullMarked
package io.syncsocket.internal.transport;

import org.jspecify.annotations.NullMarked;
