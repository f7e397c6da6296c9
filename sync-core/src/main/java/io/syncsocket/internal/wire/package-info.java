/**
 * Wire layer, pure Java: frame blobs (checksum, zlib/gzip), msgpack codec, base58 and
 * identifiers (PROTOCOL.md §1–4). No Netty types; msgpack-core types never leave this
 * package.
 *
 * <p>
 * Internal API, no compatibility promise.
 */
@NullMarked
package io.syncsocket.internal.wire;

import org.jspecify.annotations.NullMarked;
