/**
 * The mesh node, entered through MeshNode: handshake, routing table, broadcast waterfall
 * and seen set, peer lists, seeds and every other dial, request/response and the user
 * message queue (PROTOCOL.md §5–6). State changes only under the node lock (see
 * NodeLoop).
 *
 * <p>
 * Internal API, no compatibility promise.
 */
@NullMarked
package io.syncsocket.internal.mesh;

import org.jspecify.annotations.NullMarked;
